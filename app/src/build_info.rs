//! Which program this is, for reports: name, version and the git revision it was built from
//! (recorded by `build.rs`).

use forgelens_report::ToolInfo;

pub fn tool_info() -> ToolInfo {
    ToolInfo::forgelens(env!("CARGO_PKG_VERSION"), env!("FORGELENS_SOURCE_REVISION"))
}
