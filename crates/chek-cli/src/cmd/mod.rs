//! One module per subcommand.

pub(crate) mod campaign;
pub(crate) mod draw;
pub(crate) mod qr;
