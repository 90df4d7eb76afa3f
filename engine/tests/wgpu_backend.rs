//! The one test on the wgpu backend: a transformer block gives the same output on wgpu as
//! on the CPU backend. CI installs Mesa's software Vulkan (lavapipe) so it runs there;
//! kept tiny because kernel compilation dominates on a software adapter.

use burn::module::Module;
use burn::tensor::{Device, DeviceKind, Distribution, Tensor};
use forgelens_engine::device::wgpu_adapters;
use forgelens_engine::nn::TransformerBlockConfig;

#[test]
fn transformer_block_matches_cpu_backend() {
    let adapters = wgpu_adapters();
    let Some(adapter) = adapters.first() else {
        // Without any Vulkan/GL/Metal driver there is nothing to compare against; CI has one.
        eprintln!("no wgpu adapter on this machine: install mesa-vulkan-drivers to run this test");
        return;
    };
    let kind = match adapter.device_type.as_str() {
        "DiscreteGpu" => DeviceKind::DiscreteGpu(0),
        "IntegratedGpu" => DeviceKind::IntegratedGpu(0),
        "VirtualGpu" => DeviceKind::VirtualGpu(0),
        _ => DeviceKind::Cpu,
    };
    let cpu = Device::flex();
    let gpu = Device::wgpu(kind);
    let block = TransformerBlockConfig::new(16, 2, 32).init(&cpu);
    let x = Tensor::<3>::random([1, 5, 16], Distribution::Normal(0.0, 1.0), &cpu);
    let (expected, attention_cpu) = block.forward(x.clone());
    let block_gpu = block.to_device(&gpu);
    let (got, attention_gpu) = block_gpu.forward(x.to_device(&gpu));
    let got = got.to_device(&cpu);
    let diff = (got - expected).abs().max().into_scalar::<f32>();
    assert!(
        diff < 1e-3,
        "wgpu ({}) differs from flex by {diff}",
        adapter.name
    );
    let diff = (attention_gpu.to_device(&cpu) - attention_cpu)
        .abs()
        .max()
        .into_scalar::<f32>();
    assert!(diff < 1e-4, "attention differs by {diff}");
}
