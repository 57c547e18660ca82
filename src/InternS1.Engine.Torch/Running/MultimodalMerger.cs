using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Modeling;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// The spot where image features replace placeholder embeddings: for every media run overlapping
/// a request's chunk, the encoder's rows [Length, hidden] are written over the chunk's rows of
/// prompt positions Offset..Offset+Length-1, in order. A run split over several chunks is encoded
/// once and its features are kept until its last row is written or the request finishes.
/// </summary>
internal sealed class MultimodalMerger : IDisposable
{
    private readonly Dictionary<(string RequestId, int Offset), Tensor> _features = new();

    public IMultimodalEncoder? Encoder { get; set; }

    /// <summary>Why there is no encoder, for the per-request error (e.g. a text-only load).</summary>
    public string UnavailableReason { get; set; } = "this build runs the language model only";

    /// <summary>The image-context id every placeholder position must hold (-1: not checked).</summary>
    public int ImageTokenId { get; set; } = -1;

    /// <summary>A per-request error when the chunk touches media that cannot be encoded: no encoder
    /// is loaded, the encoder refuses a run (<see cref="IMultimodalEncoder.Validate"/>), or a run's
    /// position in the chunk holds another token than <see cref="ImageTokenId"/>.</summary>
    public string? Check(ScheduledRequest r)
    {
        foreach (var input in r.MultimodalInputs)
        {
            if (!input.Overlaps(r.StartPosition, r.TokenIds.Count)) continue;
            if (Encoder is null)
                return $"the request has {input.Kind.ToString().ToLowerInvariant()} input at prompt positions {input.Offset}..{input.Offset + input.Length - 1}, "
                       + $"but the vision tower is not loaded ({UnavailableReason})";
            if (Encoder.Validate(input) is { } problem) return problem;
            if (ImageTokenId < 0) continue;
            var from = Math.Max(input.Offset, r.StartPosition);
            var to = Math.Min(input.Offset + input.Length, r.StartPosition + r.TokenIds.Count);
            for (var p = from; p < to; p++)
                if (r.TokenIds[p - r.StartPosition] != ImageTokenId)
                    return $"prompt position {p} of the {input.Kind.ToString().ToLowerInvariant()} run at {input.Offset}..{input.Offset + input.Length - 1} "
                           + $"holds token {r.TokenIds[p - r.StartPosition]}, not the image-context id {ImageTokenId}";
        }
        return null;
    }

    /// <summary>Writes the media rows of <paramref name="r"/>'s chunk into <paramref name="embeds"/> [T, hidden]; returns an error or null.</summary>
    public string? Apply(Tensor embeds, ScheduledRequest r, SequenceSlice slice)
    {
        var chunkStart = r.StartPosition;
        var chunkEnd = r.StartPosition + r.TokenIds.Count;
        foreach (var input in r.MultimodalInputs)
        {
            if (!input.Overlaps(chunkStart, r.TokenIds.Count)) continue;
            var key = (r.RequestId, input.Offset);
            if (!_features.TryGetValue(key, out var features))
            {
                try
                {
                    features = Encoder!.Encode(input);
                }
                catch (Exception e)
                {
                    return $"encoding the {input.Kind.ToString().ToLowerInvariant()} at prompt position {input.Offset} failed: {e.Message}";
                }
                if (features.shape.Length != 2 || features.shape[0] != input.Length || features.shape[1] != embeds.shape[1])
                    return $"the vision features of the run at prompt position {input.Offset} have shape [{string.Join(", ", features.shape)}], expected [{input.Length}, {embeds.shape[1]}]";
                features.DetachFromDisposeScope();
                _features[key] = features;
            }
            // rows of positions [from, to) of this run that fall in the chunk
            var from = Math.Max(input.Offset, chunkStart);
            var to = Math.Min(input.Offset + input.Length, chunkEnd);
            using (var target = embeds.narrow(0, slice.PackedStart + from - chunkStart, to - from))
            using (var source = features.narrow(0, from - input.Offset, to - from))
                target.copy_(source);
            if (to == input.Offset + input.Length)
            {
                _features.Remove(key);
                features.Dispose();
            }
        }
        return null;
    }

    /// <summary>Drops the kept features of finished requests.</summary>
    public void Forget(IReadOnlyList<string> finishedRequestIds)
    {
        if (_features.Count == 0 || finishedRequestIds.Count == 0) return;
        var finished = finishedRequestIds.ToHashSet();
        foreach (var key in _features.Keys.Where(k => finished.Contains(k.RequestId)).ToList())
        {
            _features[key].Dispose();
            _features.Remove(key);
        }
    }

    public void Dispose()
    {
        foreach (var f in _features.Values) f.Dispose();
        _features.Clear();
    }
}
