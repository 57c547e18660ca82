using InternS1.Engine.Requests;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// Turns one media run into the rows that replace its placeholder embeddings: vision tower ->
/// drop CLS -> pixel shuffle -> multi_modal_projector, giving [input.Length, text hidden] in the
/// model dtype. Implemented by the vision step over <c>model.vision_tower</c> and
/// <c>model.multi_modal_projector</c>; without one the runner fails such requests individually.
/// </summary>
public interface IMultimodalEncoder
{
    /// <summary>[input.NumTiles, 3, TileSize, TileSize] pixels -> [input.Length, hidden] features.</summary>
    Tensor Encode(MultimodalInput input);
}
