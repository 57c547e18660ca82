using InternS1.Engine.KvCache;
using InternS1.Engine.Requests;

namespace InternS1.Engine.Scheduling;

/// <summary>The engine's state of one request (vLLM v1's <c>Request</c>): all its tokens so far,
/// how many of them are in the KV cache, its block hashes, its timings.</summary>
internal sealed class EngineSequence
{
    private readonly List<int> _tokens;
    private readonly List<BlockHash> _blockHashes = [];

    public EngineSequence(EngineRequest request, long arrivalOrder, DateTimeOffset arrivalTime)
    {
        Request = request;
        ArrivalOrder = arrivalOrder;
        ArrivalTime = arrivalTime;
        _tokens = new List<int>(request.PromptTokenIds.Count + Math.Min(request.Sampling.MaxNewTokens, 4096));
        _tokens.AddRange(request.PromptTokenIds);
        NumPromptTokens = request.PromptTokenIds.Count;
        MediaByOffset = request.MultimodalInputs.OrderBy(m => m.Offset).ToArray();
    }

    public EngineRequest Request { get; }
    public string Id => Request.RequestId;
    public bool IsInteractive => Request.SchedulingClass == SchedulingClass.Interactive;
    public long ArrivalOrder { get; }
    public DateTimeOffset ArrivalTime { get; }
    public int NumPromptTokens { get; }
    public IReadOnlyList<MultimodalInput> MediaByOffset { get; }

    /// <summary>Prompt followed by every generated token.</summary>
    public IReadOnlyList<int> AllTokens => _tokens;
    public int NumTokens => _tokens.Count;
    public int NumOutputTokens => _tokens.Count - NumPromptTokens;
    public IEnumerable<int> OutputTokens => _tokens.Skip(NumPromptTokens);

    /// <summary>Tokens whose K/V are in the request's blocks.</summary>
    public int NumComputedTokens { get; set; }
    public int NumRemainingTokens => _tokens.Count - NumComputedTokens;

    public SequenceStatus Status { get; set; } = SequenceStatus.Waiting;

    /// <summary>Prompt tokens served from the prefix cache at first admission.</summary>
    public int NumCachedTokens { get; set; }
    public int NumPreemptions { get; set; }

    /// <summary>Indexes into <see cref="MediaByOffset"/> of runs already sent to the encoder since the last admission.</summary>
    public HashSet<int> EncodedMedia { get; } = [];

    public DateTimeOffset? FirstScheduledTime { get; set; }
    public DateTimeOffset? FirstTokenTime { get; set; }

    public void AppendToken(int tokenId) => _tokens.Add(tokenId);

    /// <summary>Chained hashes of every full block of known tokens, computed on demand and kept
    /// across preemption (the tokens do not change).</summary>
    public IReadOnlyList<BlockHash> BlockHashes(int blockSize)
    {
        var full = _tokens.Count / blockSize;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_tokens);
        while (_blockHashes.Count < full)
        {
            var i = _blockHashes.Count;
            BlockHash? parent = i == 0 ? null : _blockHashes[i - 1];
            _blockHashes.Add(BlockHasher.Hash(parent, i * blockSize, span.Slice(i * blockSize, blockSize),
                Request.MultimodalInputs, Request.CacheSalt));
        }
        return _blockHashes;
    }
}
