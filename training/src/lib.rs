//! ForgeLens training library. So far: the forge's neural generator (`forge::rdn`), which
//! regenerates image content so fakes carry a real network's traces. Datasets, the staged
//! pipeline and evaluation come with their issues.

pub mod forge;
