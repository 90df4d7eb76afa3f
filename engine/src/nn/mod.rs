//! Building blocks shared by the paper's networks: self-attention that hands back its
//! weights, the pre-norm transformer block, convolution + batch-norm + activation, the
//! CPU backend's inference shortcuts (`cpu_fast`), and convolutions computed before a 2x
//! nearest upsampling instead of after it (`upsampled`).

pub mod attention;
pub mod block;
pub mod conv_bn;
pub mod cpu_fast;
pub mod upsampled;

pub use attention::{SelfAttention, SelfAttentionConfig};
pub use block::{Activation, Mlp, TransformerBlock, TransformerBlockConfig};
pub use conv_bn::{ConvBnAct, ConvBnActConfig, Nonlinearity};
