//! One module per subcommand.

pub(crate) mod bot;
pub(crate) mod campaign;
pub(crate) mod care;
pub(crate) mod draw;
pub(crate) mod feedback;
pub(crate) mod ledger;
pub(crate) mod loyalty;
pub(crate) mod manual;
pub(crate) mod notify;
pub(crate) mod qr;
pub(crate) mod recheck;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod scan;
pub(crate) mod segments;
pub(crate) mod state_file;
pub(crate) mod text;
pub(crate) mod verify;
