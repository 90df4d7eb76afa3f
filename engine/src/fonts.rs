//! The bundled fonts (`assets/fonts/`): DejaVu (Bitstream Vera licence, DejaVu changes public
//! domain), as bytes. The reports embed them in PDFs; training draws its figures with them.

pub static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
pub static DEJAVU_SANS_MONO: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");
