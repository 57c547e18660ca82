using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// Mirrors transformers' <c>InternS1Model</c>: <c>language_model</c> (Qwen3 / Qwen3-MoE), and — in a
/// later step — <c>vision_tower</c> (InternS1VisionModel) and <c>multi_modal_projector</c>
/// (InternS1MultiModalProjector), registered under exactly those field names so their parameters
/// load from <c>model.vision_tower.*</c> / <c>model.multi_modal_projector.*</c>.
/// </summary>
public sealed class InternS1Model : nn.Module
{
    public Qwen3Model language_model;

    public InternS1Model(InternS1Config config, ScalarType dtype) : base(nameof(InternS1Model))
    {
        language_model = new Qwen3Model(config.TextConfig, dtype);
        RegisterComponents();
    }
}
