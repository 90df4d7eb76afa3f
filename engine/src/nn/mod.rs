//! Building blocks shared by the paper's networks: self-attention that hands back its
//! weights, the pre-norm transformer block, and convolution + batch-norm + activation.

pub mod attention;
pub mod block;
pub mod conv_bn;

pub use attention::{SelfAttention, SelfAttentionConfig};
pub use block::{Activation, Mlp, TransformerBlock, TransformerBlockConfig};
pub use conv_bn::{ConvBnAct, ConvBnActConfig, Nonlinearity};
