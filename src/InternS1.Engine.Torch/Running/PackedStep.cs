using InternS1.Engine.Execution;
using InternS1.Engine.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// The valid requests of one step packed into one token batch: ids, positions and KV slots of all
/// scheduled tokens in batch order, and each request's slice. Built by <see cref="Pack"/>, which
/// also reports the requests that cannot run (their error instead of a slice).
/// </summary>
internal sealed class PackedStep
{
    public required long[] TokenIds { get; init; }
    public required long[] Positions { get; init; }
    public required long[] Slots { get; init; }

    /// <summary>Per scheduled request (batch order): its slice, or null when it failed validation.</summary>
    public required (SequenceSlice? Slice, string? Error)[] Requests { get; init; }

    public int TokenCount => TokenIds.Length;

    /// <summary>Validates and packs <paramref name="schedule"/>; tensors are created in the caller's dispose scope.</summary>
    public static PackedStep Pack(SchedulerOutput schedule, PagedKvCache cache, ModelRunnerInfo info, Func<ScheduledRequest, string?> extraCheck)
    {
        var ids = new List<long>();
        var positions = new List<long>();
        var slots = new List<long>();
        var results = new (SequenceSlice?, string?)[schedule.Requests.Count];
        var bs = cache.BlockSize;
        for (var i = 0; i < schedule.Requests.Count; i++)
        {
            var r = schedule.Requests[i];
            var error = Validate(r, cache, info) ?? extraCheck(r);
            if (error is not null)
            {
                results[i] = (null, error);
                continue;
            }
            var n = r.TokenIds.Count;
            var start = r.StartPosition;
            var end = start + n;
            // slot of position p = block_table[p / block_size] * block_size + p % block_size
            var allSlots = new long[end];
            for (var p = 0; p < end; p++) allSlots[p] = (long)r.BlockTable[p / bs] * bs + p % bs;
            Tensor? contextSlots = null, mask = null;
            if (start > 0)
            {
                contextSlots = torch.tensor(allSlots);
                if (n > 1)
                {
                    // query i (position start + i) sees keys j <= start + i     [n, end]
                    using var keyPos = torch.arange(end, ScalarType.Int64).unsqueeze(0);
                    using var queryPos = (torch.arange(n, ScalarType.Int64) + start).unsqueeze(1);
                    mask = keyPos <= queryPos;
                }
            }
            results[i] = (new SequenceSlice(ids.Count, n, start, contextSlots, mask), null);
            for (var t = 0; t < n; t++)
            {
                ids.Add(r.TokenIds[t]);
                positions.Add(start + t);
                slots.Add(allSlots[start + t]);
            }
        }
        return new PackedStep { TokenIds = ids.ToArray(), Positions = positions.ToArray(), Slots = slots.ToArray(), Requests = results };
    }

    private static string? Validate(ScheduledRequest r, PagedKvCache cache, ModelRunnerInfo info)
    {
        var n = r.TokenIds.Count;
        if (n == 0) return "no tokens were scheduled for the request";
        if (r.StartPosition < 0) return $"StartPosition {r.StartPosition} is negative";
        var end = r.StartPosition + n;
        if (end > info.MaxModelLength)
            return $"positions up to {end} exceed the model's max_position_embeddings ({info.MaxModelLength})";
        if ((long)r.BlockTable.Count * cache.BlockSize < end)
            return $"the block table ({r.BlockTable.Count} blocks of {cache.BlockSize}) does not cover {end} positions";
        var blocksNeeded = (end + cache.BlockSize - 1) / cache.BlockSize;
        for (var b = 0; b < blocksNeeded; b++)
            if (r.BlockTable[b] < 0 || r.BlockTable[b] >= cache.NumBlocks)
                return $"block table entry {b} = {r.BlockTable[b]} is outside the KV pool (0..{cache.NumBlocks - 1})";
        for (var t = 0; t < n; t++)
            if (r.TokenIds[t] < 0 || r.TokenIds[t] >= info.VocabSize)
                return $"token id {r.TokenIds[t]} at position {r.StartPosition + t} is outside the vocabulary (0..{info.VocabSize - 1})";
        return null;
    }
}
