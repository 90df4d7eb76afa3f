//! The toolbox's errors: unreadable or undecodable evidence, parameters out of range, and the
//! few steps that can fail on good input (an encoder, the C2PA reader's set-up).

#[derive(Debug, thiserror::Error)]
pub enum ForensicsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{name}: the file is empty")]
    Empty { name: String },
    #[error("{name}: {bytes} bytes is over the limit of {limit} bytes")]
    FileTooLarge {
        name: String,
        bytes: u64,
        limit: u64,
    },
    #[error("{name}: not an image in a supported format (PNG, JPEG, TIFF, WebP, GIF, BMP)")]
    UnknownFormat { name: String },
    #[error("{name}: {width}x{height} is {pixels} pixels, over the limit of {limit}")]
    TooManyPixels {
        name: String,
        width: u32,
        height: u32,
        pixels: u64,
        limit: u64,
    },
    #[error("{name}: the image has no pixels ({width}x{height})")]
    ZeroSize {
        name: String,
        width: u32,
        height: u32,
    },
    #[error("{name}: cannot decode the image (corrupt or truncated?): {message}")]
    Decode { name: String, message: String },
    #[error("{tool}: {message}")]
    InvalidParameter { tool: &'static str, message: String },
    #[error("{tool}: {message}")]
    Failed { tool: &'static str, message: String },
    #[error("cancelled")]
    Cancelled,
}

impl ForensicsError {
    pub(crate) fn invalid(tool: &'static str, message: impl Into<String>) -> Self {
        ForensicsError::InvalidParameter {
            tool,
            message: message.into(),
        }
    }
}
