namespace InternS1.Batch.Remote.Flavors;

/// <summary>An endpoint cannot serve yet (unreachable, not ready, key refused, model not listed); the
/// message is the endpoint's down reason.</summary>
internal sealed class DetectionException(string message) : Exception(message);
