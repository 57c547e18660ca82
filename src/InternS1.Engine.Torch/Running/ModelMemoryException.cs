namespace InternS1.Engine.Torch.Running;

/// <summary>The model's weights in the resolved compute dtype would not fit in the memory available; the
/// message names the dtype setting (<c>Model:Dtype</c> / <c>--dtype</c>) and the sizes. Thrown before any
/// weight is read, so nothing is swapped or killed.</summary>
public sealed class ModelMemoryException(string message) : InvalidOperationException(message);
