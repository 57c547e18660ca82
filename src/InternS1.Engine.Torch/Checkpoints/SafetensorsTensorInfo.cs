namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>One tensor entry of a safetensors header, with its absolute place in the file.</summary>
/// <param name="Name">The tensor name (e.g. <c>model.language_model.norm.weight</c>).</param>
/// <param name="DtypeName">The header's dtype string as written (kept for error messages).</param>
/// <param name="Dtype">The parsed dtype; null when the string is not a known safetensors dtype.</param>
/// <param name="Shape">Dimensions ([] for a scalar).</param>
/// <param name="FilePath">The shard file.</param>
/// <param name="DataOffset">Absolute byte offset of the first element in the file.</param>
/// <param name="ByteLength">Number of data bytes.</param>
public sealed record SafetensorsTensorInfo(
    string Name,
    string DtypeName,
    SafetensorsDtype? Dtype,
    long[] Shape,
    string FilePath,
    long DataOffset,
    long ByteLength)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shard's file name (for messages).</summary>
    public string FileName => Path.GetFileName(FilePath);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
