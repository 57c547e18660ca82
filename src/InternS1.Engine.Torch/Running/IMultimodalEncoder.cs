using InternS1.Engine.Requests;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// Turns one media run into the rows that replace its placeholder embeddings: vision tower ->
/// drop CLS -> pixel shuffle -> multi_modal_projector, giving [input.Length, text hidden] in the
/// model dtype. <see cref="MultimodalEncoder"/> implements it over <c>model.vision_tower</c> and
/// <c>model.multi_modal_projector</c>; without one the runner fails such requests individually.
/// </summary>
public interface IMultimodalEncoder
{
    /// <summary>[input.NumTiles, 3, TileSize, TileSize] pixels -> [input.Length, hidden] features.</summary>
    Tensor Encode(MultimodalInput input);

    /// <summary>Checks a run before its request is packed into a step (shape facts only, no compute):
    /// null when it can be encoded, else the problem. The default accepts every run.</summary>
    string? Validate(MultimodalInput input) => null;
}
