using InternS1.Engine.Requests;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Writes projector rows over the image-context placeholder rows of input embeddings (HF
/// <c>masked_scatter</c>, in order), including a partial range when a prefill chunk splits a media run.
/// </summary>
public static class ImageFeatureWriter
{
    /// <summary>
    /// For k = 0..rows.Count-1: <c>embeddings[rows[k]] = features[featureStartRow + k]</c>, in place.
    /// <paramref name="embeddings"/> is [N, H]; <paramref name="features"/> is [R, H] or [T, tokens, H]
    /// (flattened to [T·tokens, H]), cast to the embeddings' dtype. Nothing else is touched.
    /// </summary>
    public static void WriteRows(Tensor embeddings, IReadOnlyList<long> rows, Tensor features, long featureStartRow)
    {
        var (count, hidden) = CheckShapes(embeddings, features);
        if (featureStartRow < 0 || featureStartRow + rows.Count > count)
            throw new ArgumentOutOfRangeException(nameof(featureStartRow), featureStartRow,
                $"feature rows {featureStartRow}..{featureStartRow + rows.Count - 1} are outside the {count} feature rows");
        var seen = new HashSet<long>();
        foreach (var row in rows)
        {
            if (row < 0 || row >= embeddings.shape[0])
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"embedding row outside 0..{embeddings.shape[0] - 1}");
            if (!seen.Add(row))
                throw new ArgumentException($"embedding row {row} is listed twice", nameof(rows));
        }
        if (rows.Count == 0) return;

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // 1. the rows to write: [n, H] in the embeddings' dtype
        var source = features.reshape(-1, hidden).narrow(0, featureStartRow, rows.Count).to(embeddings.dtype);
        // 2. scatter into the given rows: embeddings[rows[k]] = source[k]
        var index = tensor(rows.ToArray(), dtype: ScalarType.Int64, device: embeddings.device);
        embeddings.index_copy_(0, index, source);
    }

    /// <summary>
    /// Writes the part of one media run that falls inside a chunk. The run's placeholders occupy prompt
    /// positions [runOffset, runOffset + R) and <paramref name="runFeatures"/> holds its R rows in order;
    /// the chunk covers prompt positions [chunkStart, chunkStart + chunkLength) and its first token sits
    /// at <paramref name="embeddings"/> row <paramref name="rowBase"/> (non-zero when several requests
    /// share one batch tensor). Returns the number of rows written (0 when they do not overlap).
    /// </summary>
    public static int WriteOverlap(Tensor embeddings, long rowBase, long chunkStart, long chunkLength,
        long runOffset, Tensor runFeatures)
    {
        var (runLength, hidden) = CheckShapes(embeddings, runFeatures);
        if (rowBase < 0 || chunkLength < 0 || rowBase + chunkLength > embeddings.shape[0])
            throw new ArgumentOutOfRangeException(nameof(rowBase), rowBase,
                $"chunk rows {rowBase}..{rowBase + chunkLength - 1} are outside the {embeddings.shape[0]} embedding rows");
        var start = Math.Max(chunkStart, runOffset);
        var end = Math.Min(chunkStart + chunkLength, runOffset + runLength);
        if (end <= start) return 0;
        var length = end - start;

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // 1. the run's rows that fall in the chunk: [length, H]
        var source = runFeatures.reshape(-1, hidden).narrow(0, start - runOffset, length);
        // 2. the chunk rows they replace, contiguous: [length, H]
        embeddings.narrow(0, rowBase + (start - chunkStart), length).copy_(source);
        return (int)length;
    }

    /// <summary>
    /// <see cref="WriteOverlap(Tensor, long, long, long, long, Tensor)"/> for one media run of a scheduled
    /// request: <paramref name="runFeatures"/> must hold exactly <c>run.Length</c> rows
    /// (<see cref="InternS1ImageFeatures.GetImageFeatures(InternS1VisionModel, InternS1MultiModalProjector, ReadOnlyMemory{float}, int, InternS1.Engine.Torch.Checkpoints.InternS1Config)"/> of its pixels).
    /// </summary>
    public static int WriteOverlap(Tensor embeddings, long rowBase, long chunkStart, long chunkLength,
        MultimodalInput run, Tensor runFeatures)
    {
        var (rows, _) = CheckShapes(embeddings, runFeatures);
        if (rows != run.Length)
            throw new ArgumentException(
                $"the media run at prompt position {run.Offset} has {run.Length} placeholder tokens but {rows} feature rows were given",
                nameof(runFeatures));
        return WriteOverlap(embeddings, rowBase, chunkStart, chunkLength, run.Offset, runFeatures);
    }

    private static (long Rows, long Hidden) CheckShapes(Tensor embeddings, Tensor features)
    {
        if (embeddings.ndim != 2)
            throw new ArgumentException($"embeddings must be [rows, hidden], got [{string.Join(", ", embeddings.shape)}]", nameof(embeddings));
        var hidden = embeddings.shape[1];
        if (features.ndim < 2 || features.shape[^1] != hidden)
            throw new ArgumentException(
                $"features must end in the embedding width {hidden}, got [{string.Join(", ", features.shape)}]", nameof(features));
        return (features.numel() / hidden, hidden);
    }
}
