using InternS1.Engine.Core;
using InternS1.Engine.Requests;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Core;

public sealed class EngineLoopTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Signals once the runner has run a step containing <paramref name="requestId"/> <paramref name="times"/> times.</summary>
    /// <remarks>With a <paramref name="gate"/>, that step then waits for the gate to open (so the test
    /// acts at a known point of the schedule).</remarks>
    private static Task SeenTimes(EngineHarness h, string requestId, int times, int sleepMs = 1, ManualResetEventSlim? gate = null)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        var check = h.Runner.BeforeExecute;
        h.Runner.BeforeExecute = s =>
        {
            check?.Invoke(s);
            if (s.Requests.Any(r => r.RequestId == requestId) && ++count == times)
            {
                seen.TrySetResult();
                gate?.Wait(Timeout);
            }
            Thread.Sleep(sleepMs);
        };
        return seen.Task;
    }

    [Fact]
    public async Task Concurrent_submissions_each_complete_with_their_own_result()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 6, maxBatchedTokens: 24, blocks: 128));
        await using var loop = new EngineLoop(h.Core);
        loop.Start();

        var tasks = Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            loop.GenerateAsync(Request($"r{i}", Prompt(i, 3 + i % 9), maxNewTokens: 2 + i % 7, seed: i)))).ToArray();
        var results = await Task.WhenAll(tasks).WaitAsync(Timeout);

        for (var i = 0; i < 24; i++)
        {
            Assert.Equal($"r{i}", results[i].RequestId);
            Assert.Equal(PatternReference.Expected(Prompt(i, 3 + i % 9), i, 2 + i % 7), results[i].OutputTokenIds);
        }
        Assert.Empty(h.Runner.Violations);
        Assert.Contains(h.Runner.Steps, s => s.Requests.Count > 1);
    }

    [Fact]
    public async Task A_prompt_that_can_never_fit_is_rejected_before_the_model()
    {
        var h = new EngineHarness(Options(blocks: 4, blockSize: 4));
        await using var loop = new EngineLoop(h.Core);
        loop.Start();

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => loop.GenerateAsync(Request("big", Prompt(1, 40))));
        Assert.Equal(RejectionReason.PromptTooLong, ex.Reason);
        Assert.Contains("40 tokens", ex.Message);
        Assert.Empty(h.Runner.Steps);
    }

    [Fact]
    public async Task Cancelling_a_request_aborts_it_and_frees_its_blocks()
    {
        var h = new EngineHarness(Options(blocks: 128));
        using var gate = new ManualResetEventSlim();
        var running = SeenTimes(h, "long", 3, gate: gate);
        await using var loop = new EngineLoop(h.Core);
        loop.Start();
        using var cts = new CancellationTokenSource();

        var longTask = loop.GenerateAsync(Request("long", Prompt(1, 6), maxNewTokens: 400, ignoreEos: true), cts.Token);
        await running.WaitAsync(Timeout);
        cts.Cancel();
        gate.Set();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => longTask.WaitAsync(Timeout));

        var other = await loop.GenerateAsync(Request("other", Prompt(2, 6), seed: 2)).WaitAsync(Timeout);
        Assert.Equal(PatternReference.Expected(Prompt(2, 6), 2, 64), other.OutputTokenIds);
        await loop.DrainAsync(TimeSpan.FromSeconds(5)).WaitAsync(Timeout);
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
        Assert.Contains(h.Runner.Steps, s => s.FinishedRequestIds.Contains("long"));
    }

    [Fact]
    public async Task Draining_finishes_running_requests_and_hands_back_the_rest()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 2, blocks: 128));
        using var gate = new ManualResetEventSlim();
        var started = SeenTimes(h, "b", 2, gate: gate);
        var loop = new EngineLoop(h.Core);
        loop.Start();

        var a = loop.GenerateAsync(Request("a", Prompt(1, 4), maxNewTokens: 30, ignoreEos: true));
        var b = loop.GenerateAsync(Request("b", Prompt(2, 4), maxNewTokens: 30, ignoreEos: true));
        var queued = loop.GenerateAsync(Request("queued", Prompt(3, 4), maxNewTokens: 30, ignoreEos: true));
        await started.WaitAsync(Timeout);
        var drained = loop.DrainAsync(TimeSpan.FromSeconds(15));
        gate.Set();
        await drained.WaitAsync(Timeout);

        Assert.Equal(FinishReason.Length, (await a).FinishReason);
        Assert.Equal(30, (await b).OutputTokenIds.Count);
        Assert.Equal(FinishReason.Aborted, (await queued).FinishReason);
        var late = await loop.GenerateAsync(Request("late", Prompt(4, 4))).WaitAsync(Timeout);
        Assert.Equal(FinishReason.Aborted, late.FinishReason);
        Assert.True(loop.IsDraining);

        await loop.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => loop.GenerateAsync(Request("gone", Prompt(5, 4))));
    }

    [Fact]
    public async Task Draining_past_the_timeout_aborts_running_requests()
    {
        var h = new EngineHarness(Options(blocks: 256));
        using var gate = new ManualResetEventSlim();
        var started = SeenTimes(h, "slow", 2, sleepMs: 5, gate: gate);
        await using var loop = new EngineLoop(h.Core);
        loop.Start();

        var slow = loop.GenerateAsync(Request("slow", Prompt(1, 4), maxNewTokens: 900, ignoreEos: true));
        await started.WaitAsync(Timeout);
        var drained = loop.DrainAsync(TimeSpan.FromMilliseconds(50));
        gate.Set();
        await drained.WaitAsync(Timeout);

        var result = await slow.WaitAsync(Timeout);
        Assert.Equal(FinishReason.Aborted, result.FinishReason);
        Assert.InRange(result.OutputTokenIds.Count, 2, 899);
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
    }
}
