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

    /// <summary>The slices attended one by one (all but the decode group).</summary>
    public required IReadOnlyList<SequenceSlice> AttentionSequences { get; init; }

    /// <summary>Single-token continuations attended together (two or more), else null.</summary>
    public DecodeGroup? Decode { get; init; }

    public int TokenCount => TokenIds.Length;

    /// <summary>Validates and packs <paramref name="schedule"/>; tensors are created on <paramref name="device"/>
    /// in the caller's dispose scope.</summary>
    public static PackedStep Pack(SchedulerOutput schedule, PagedKvCache cache, ModelRunnerInfo info, Func<ScheduledRequest, string?> extraCheck, Device device)
    {
        var ids = new List<long>();
        var positions = new List<long>();
        var slots = new List<long>();
        var results = new (SequenceSlice?, string?)[schedule.Requests.Count];
        var contexts = new long[schedule.Requests.Count][];
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
            contexts[i] = allSlots;
            results[i] = (new SequenceSlice(ids.Count, n, start, null, null), null);
            for (var t = 0; t < n; t++)
            {
                ids.Add(r.TokenIds[t]);
                positions.Add(start + t);
                slots.Add(allSlots[start + t]);
            }
        }

        // single tokens after cached context are attended together when there are several
        bool IsDecode(int i) => results[i].Item1 is { Length: 1, StartPosition: > 0 };
        var decode = Enumerable.Range(0, results.Length).Where(IsDecode).ToArray();
        var grouped = decode.Length >= 2;
        var sequences = new List<SequenceSlice>();
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Item1 is not { } slice || (grouped && IsDecode(i))) continue;
            var withContext = slice.StartPosition > 0 ? slice with { ContextSlots = torch.tensor(contexts[i], device: device), Mask = ChunkMask(slice, device) } : slice;
            results[i] = (withContext, null);
            sequences.Add(withContext);
        }
        return new PackedStep
        {
            TokenIds = ids.ToArray(), Positions = positions.ToArray(), Slots = slots.ToArray(), Requests = results,
            AttentionSequences = sequences, Decode = grouped ? BuildDecodeGroup(decode, results, contexts, device) : null,
        };
    }

    /// <summary>[n, start + n]: query i (position start + i) sees keys j &lt;= start + i; null for one token.</summary>
    private static Tensor? ChunkMask(SequenceSlice slice, Device device)
    {
        if (slice.Length == 1) return null;
        var end = slice.StartPosition + slice.Length;
        using var keyPos = HeldScalars.Arange(end, device).unsqueeze(0);
        using var queryPos = HeldScalars.Arange(slice.StartPosition, end, device).unsqueeze(1);
        return keyPos <= queryPos;
    }

    private static DecodeGroup BuildDecodeGroup(int[] members, (SequenceSlice? Slice, string? Error)[] results, long[][] contexts, Device device)
    {
        var maxLength = members.Max(i => contexts[i].Length);
        var padded = new long[members.Length * maxLength];
        var valid = new bool[members.Length * maxLength];
        for (var m = 0; m < members.Length; m++)
        {
            var context = contexts[members[m]];
            context.CopyTo(padded, m * maxLength);
            Array.Fill(valid, true, m * maxLength, context.Length);
        }
        return new DecodeGroup(
            torch.tensor(members.Select(i => (long)results[i].Slice!.PackedStart).ToArray(), device: device),
            torch.tensor(padded, device: device),
            torch.tensor(valid, device: device).view(members.Length, 1, 1, maxLength),
            maxLength);
    }

    // NOTE: token ids are not checked here: the engine admits only prompts inside the vocabulary and
    // appends only sampled ids inside it, and the runner trusts its input.
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
        return null;
    }
}
