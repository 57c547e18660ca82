namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// The checkpoint's tensors do not fit the model built from config.json: missing, unexpected or
/// wrong-shaped tensors, or tensors in a dtype that cannot be loaded. The message lists the first
/// few of each kind with counts and shards; the full lists are in the properties.
/// </summary>
public sealed class CheckpointMismatchException : CheckpointException
{
    public CheckpointMismatchException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> misshaped, IReadOnlyList<string> unsupported) : base(message)
    {
        Missing = missing;
        Unexpected = unexpected;
        Misshaped = misshaped;
        Unsupported = unsupported;
    }

    /// <summary>Names the model needs that no shard has.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Names in the shards the model does not have.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Names whose shape differs from the model's (with both shapes).</summary>
    public IReadOnlyList<string> Misshaped { get; }

    /// <summary>Names stored in a dtype that cannot be loaded.</summary>
    public IReadOnlyList<string> Unsupported { get; }
}
