//! The one place that turns `--device auto|cpu|wgpu|cuda` into a Burn `Device`.
//!
//! `auto` takes CUDA (when built with the `cuda` feature), else a hardware wgpu adapter
//! (discrete, integrated or virtual GPU), else the pure-Rust `flex` CPU backend. A software
//! adapter (Mesa's lavapipe/llvmpipe, device type CPU) is never chosen by `auto`: measured
//! here it is 9-16x slower than `flex` and spends 20-60 s compiling kernels on first use.
//! Asking for `wgpu` explicitly accepts a software adapter, with a warning. Only the
//! backends Burn computes on are probed (Vulkan, Metal, DX12): probing OpenGL opens a
//! Wayland connection, and without a desktop session libwayland prints errors about
//! `XDG_RUNTIME_DIR` that have nothing to do with the command run.

use std::fmt;
use std::str::FromStr;

use burn::tensor::{Device, DeviceKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    #[default]
    Auto,
    Cpu,
    Wgpu,
    Cuda,
}

impl FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "cpu" | "flex" => Ok(Self::Cpu),
            "wgpu" | "gpu" => Ok(Self::Wgpu),
            "cuda" => Ok(Self::Cuda),
            other => Err(format!(
                "unknown device `{other}` (expected auto, cpu, wgpu or cuda)"
            )),
        }
    }
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Cpu => "cpu",
            Self::Wgpu => "wgpu",
            Self::Cuda => "cuda",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error(
        "no wgpu adapter was found on this machine (install a Vulkan driver, or use --device cpu)"
    )]
    NoWgpuAdapter,
    #[error("this build has no CUDA support: rebuild with `--features cuda`, or use --device auto")]
    CudaNotBuilt,
}

/// A graphics adapter wgpu can see.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdapterSummary {
    pub name: String,
    pub backend: String,
    pub device_type: String,
    pub driver: String,
    /// Software rasteriser (lavapipe, llvmpipe, WARP, SwiftShader).
    pub software: bool,
}

/// The device chosen, and what to tell the user about it.
#[derive(Debug, Clone)]
pub struct SelectedDevice {
    pub device: Device,
    /// `flex`, `wgpu` or `cuda`.
    pub backend: &'static str,
    /// Adapter or CPU name, for reports.
    pub name: String,
    /// Why this device was chosen.
    pub reason: String,
}

/// Every adapter, hardware and software, of the backends Burn's wgpu runs on.
pub fn wgpu_adapters() -> Vec<AdapterSummary> {
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
    descriptor.backends = wgpu::Backends::PRIMARY;
    let instance = wgpu::Instance::new(descriptor);
    pollster::block_on(instance.enumerate_adapters(wgpu::Backends::PRIMARY))
        .iter()
        .map(|adapter| {
            let info = adapter.get_info();
            AdapterSummary {
                software: info.device_type == wgpu::DeviceType::Cpu,
                name: info.name,
                backend: format!("{:?}", info.backend),
                device_type: format!("{:?}", info.device_type),
                driver: format!("{} {}", info.driver, info.driver_info)
                    .trim()
                    .to_string(),
            }
        })
        .collect()
}

/// The environment variable to set before Vulkan loads when there is no desktop session
/// (`$XDG_RUNTIME_DIR` unset or not a folder), if it is not set yet. Mesa's Vulkan
/// device-select layer picks the default GPU by asking the display server; without a session
/// there is none to ask, and libwayland prints "error: XDG_RUNTIME_DIR is invalid or not set"
/// at every probe. `NODEVICE_SELECT=1` is the layer's own switch; nothing else changes.
pub fn quiet_vulkan_env() -> Option<(&'static str, &'static str)> {
    let already = std::env::var_os("NODEVICE_SELECT").is_some();
    (!desktop_session() && !already).then_some(("NODEVICE_SELECT", "1"))
}

/// Whether this process runs in a desktop session: `$XDG_RUNTIME_DIR` names a folder.
pub fn desktop_session() -> bool {
    std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| std::path::Path::new(&dir).is_dir())
}

pub fn cuda_built() -> bool {
    cfg!(feature = "cuda")
}

fn flex(reason: String) -> SelectedDevice {
    SelectedDevice {
        device: Device::flex(),
        backend: "flex",
        name: format!(
            "CPU ({} threads)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        reason,
    }
}

#[cfg(feature = "cuda")]
fn cuda() -> SelectedDevice {
    SelectedDevice {
        device: Device::cuda(0),
        backend: "cuda",
        name: "CUDA device 0".into(),
        reason: "CUDA requested or built in".into(),
    }
}

/// The first adapter of the best kind, as Burn addresses it (each kind counts from zero).
fn best_wgpu(adapters: &[AdapterSummary], allow_software: bool) -> Option<(DeviceKind, String)> {
    let order = ["DiscreteGpu", "IntegratedGpu", "VirtualGpu"];
    for kind in order {
        if let Some(a) = adapters.iter().find(|a| a.device_type == kind) {
            let device_kind = match kind {
                "DiscreteGpu" => DeviceKind::DiscreteGpu(0),
                "IntegratedGpu" => DeviceKind::IntegratedGpu(0),
                _ => DeviceKind::VirtualGpu(0),
            };
            return Some((
                device_kind,
                format!("{} ({}, {})", a.name, a.device_type, a.backend),
            ));
        }
    }
    if allow_software {
        adapters.iter().find(|a| a.software).map(|a| {
            (
                DeviceKind::Cpu,
                format!("{} (software, {})", a.name, a.backend),
            )
        })
    } else {
        None
    }
}

pub fn select_device(choice: DeviceChoice) -> Result<SelectedDevice, DeviceError> {
    match choice {
        DeviceChoice::Cpu => Ok(flex("requested".into())),
        DeviceChoice::Cuda => {
            #[cfg(feature = "cuda")]
            return Ok(cuda());
            #[cfg(not(feature = "cuda"))]
            Err(DeviceError::CudaNotBuilt)
        }
        DeviceChoice::Wgpu => {
            let adapters = wgpu_adapters();
            let (kind, name) = best_wgpu(&adapters, true).ok_or(DeviceError::NoWgpuAdapter)?;
            if kind == DeviceKind::Cpu {
                log::warn!(
                    "wgpu has only a software adapter ({name}); it is much slower than --device cpu"
                );
            }
            Ok(SelectedDevice {
                device: Device::wgpu(kind),
                backend: "wgpu",
                name,
                reason: "requested".into(),
            })
        }
        DeviceChoice::Auto => Ok(select_auto(wgpu_adapters)),
    }
}

/// What `auto` picks, with the adapters probed by `probe` (not called when CUDA is built),
/// so `info` can list the same adapters without probing twice.
pub fn select_auto(probe: impl FnOnce() -> Vec<AdapterSummary>) -> SelectedDevice {
    #[cfg(feature = "cuda")]
    {
        let _ = probe;
        cuda()
    }
    #[cfg(not(feature = "cuda"))]
    {
        let adapters = probe();
        if let Some((kind, name)) = best_wgpu(&adapters, false) {
            return SelectedDevice {
                device: Device::wgpu(kind),
                backend: "wgpu",
                name,
                reason: "auto: hardware GPU adapter found".into(),
            };
        }
        let reason = if adapters.is_empty() {
            "auto: no wgpu adapter found, using the CPU backend".to_string()
        } else {
            "auto: only software wgpu adapters found (slower than the CPU backend), using the CPU backend".to_string()
        };
        log::info!("{reason}");
        flex(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adapter(device_type: &str) -> AdapterSummary {
        AdapterSummary {
            name: device_type.into(),
            backend: "Vulkan".into(),
            device_type: device_type.into(),
            driver: String::new(),
            software: device_type == "Cpu",
        }
    }

    #[test]
    fn auto_never_takes_a_software_adapter() {
        assert!(best_wgpu(&[adapter("Cpu")], false).is_none());
        assert_eq!(
            best_wgpu(&[adapter("Cpu")], true).map(|x| x.0),
            Some(DeviceKind::Cpu)
        );
    }

    #[test]
    fn discrete_beats_integrated() {
        let adapters = [adapter("IntegratedGpu"), adapter("DiscreteGpu")];
        assert_eq!(
            best_wgpu(&adapters, false).map(|x| x.0),
            Some(DeviceKind::DiscreteGpu(0))
        );
    }

    #[test]
    fn parses_choices() {
        assert_eq!("CPU".parse::<DeviceChoice>(), Ok(DeviceChoice::Cpu));
        assert!("tpu".parse::<DeviceChoice>().is_err());
    }
}
