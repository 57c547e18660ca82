using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Running;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>A minimal scheduler for tests: hands out KV blocks and calls Execute step by step.</summary>
internal sealed class TestDriver
{
    private readonly TorchModelRunner _runner;
    private readonly int _blockSize;
    private int _nextBlock;
    private long _step;

    public TestDriver(TorchModelRunner runner, int numBlocks = 64, int blockSize = 4)
    {
        _runner = runner;
        _blockSize = blockSize;
        runner.InitializeKvCache(numBlocks, blockSize);
    }

    /// <summary>Fresh blocks for a sequence of up to <paramref name="maxTokens"/> tokens (taken in reverse order to
    /// make sure block ids need not be contiguous or ascending).</summary>
    public IReadOnlyList<int> Allocate(int maxTokens)
    {
        var count = (maxTokens + _blockSize - 1) / _blockSize;
        var blocks = Enumerable.Range(_nextBlock, count).Reverse().ToList();
        _nextBlock += count;
        return blocks;
    }

    public ModelRunnerOutput Step(params ScheduledRequest[] requests) =>
        _runner.Execute(new SchedulerOutput(++_step, requests, []));

    public static ScheduledRequest Request(string id, IReadOnlyList<int> tokens, int start, IReadOnlyList<int> blocks,
        bool sample = true, SamplingParams? sampling = null, int outputIndex = 0, bool returnLogits = true) => new()
    {
        RequestId = id,
        TokenIds = tokens,
        StartPosition = start,
        BlockTable = blocks,
        Sample = sample,
        Sampling = sampling ?? new SamplingParams { Temperature = 0 },
        OutputIndex = outputIndex,
        ReturnLogits = returnLogits,
    };
}
