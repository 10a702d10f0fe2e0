//! One module per subcommand.

pub(crate) mod qr;
pub(crate) mod scan;
