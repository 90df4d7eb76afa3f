//! The wgpu backend against the CPU backend: a transformer block, and the bundled model's
//! whole analysis of one 256 px tile, give the same outputs on both. CI installs Mesa's
//! software Vulkan (lavapipe) so they run there; inputs are kept small because kernel
//! compilation dominates on a software adapter.

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

/// The bundled model's whole analysis (verdict, fusion net, maps) of one 256 px tile gives
/// the same probabilities and maps on wgpu as on the CPU backend.
#[test]
fn bundled_model_matches_cpu_backend() {
    use forgelens_engine::{Analyzer, AnalyzerOptions, DeviceChoice, MapKind, select_device};

    if wgpu_adapters().is_empty() {
        eprintln!("no wgpu adapter on this machine: install mesa-vulkan-drivers to run this test");
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let photo = image::open(root.join("assets/samples/chelsea.png")).expect("sample photograph");
    let tile = photo.crop_imm(100, 20, 256, 256).to_rgb8();
    let mut png = Vec::new();
    tile.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    let analyze = |choice| {
        let device = select_device(choice).expect("device");
        let analyzer = Analyzer::from_dir(
            &root.join("assets/model"),
            device,
            AnalyzerOptions::default(),
        )
        .expect("bundled model");
        analyzer.analyze_bytes(&png, "tile.png").expect("analysis")
    };
    let cpu = analyze(DeviceChoice::Cpu);
    let gpu = analyze(DeviceChoice::Wgpu);
    assert_eq!(gpu.device.backend, "wgpu");
    for (a, b) in cpu
        .probabilities
        .as_array()
        .iter()
        .zip(gpu.probabilities.as_array())
    {
        assert!(
            (a - b).abs() < 1e-3,
            "probabilities {:?} on the CPU, {:?} on wgpu",
            cpu.probabilities,
            gpu.probabilities
        );
    }
    for kind in MapKind::ALL {
        let (a, b) = (cpu.maps.get(kind), gpu.maps.get(kind));
        assert_eq!((a.width, a.height), (b.width, b.height));
        let diff = a
            .values
            .iter()
            .zip(&b.values)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 5e-3, "{kind:?} map differs by {diff} on wgpu");
    }
}
