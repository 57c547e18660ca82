namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>What <see cref="TinyCheckpointWriter.Write"/> wrote.</summary>
/// <param name="Directory">The model folder.</param>
/// <param name="ShardFiles">Shard file names in order.</param>
/// <param name="TensorCount">Tensors written.</param>
/// <param name="ParameterCount">Elements over all tensors.</param>
/// <param name="TotalBytes">Data bytes over all shards (the index's metadata.total_size).</param>
public sealed record TinyCheckpointSummary(string Directory, IReadOnlyList<string> ShardFiles, int TensorCount, long ParameterCount, long TotalBytes);
