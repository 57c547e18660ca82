using System.Threading.Channels;
using InternS1.Engine.Core;
using InternS1.Engine.Output;
using InternS1.Engine.Requests;
using InternS1.Engine.Scheduling;
using InternS1.Engine.Tests.Doubles;
using static InternS1.Engine.Tests.Doubles.EngineHarness;

namespace InternS1.Engine.Tests.Output;

/// <summary>Streamed output: per-token text deltas, stop strings held back, the deltas a prefix of the final text,
/// nothing computed for requests that are not streamed.</summary>
public sealed class StreamingTests
{
    private const int Eos = 9;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    // Token texts: "Hel" + "lo\n" + "\nWor" + "ld" = "Hello\n\nWorld".
    private static readonly Dictionary<int, string> Words = new() { [1] = "Hel", [2] = "lo\n", [3] = "\nWor", [4] = "ld", [Eos] = "<|im_end|>" };

    private static EngineRequest Request(string id, params string[] stops) => new()
    {
        RequestId = id,
        PromptTokenIds = [7, 7],
        Sampling = new SamplingParams { StopTokenIds = [Eos], StopStrings = stops },
    };

    private static SequenceFinish Finish(string id, FinishReason reason, int[] tokens) => new()
    {
        RequestId = id, Reason = reason, OutputTokenIds = tokens, NumPromptTokens = 2,
    };

    /// <summary>Feeds one token per step; the last one ends the request with <paramref name="last"/> (or a stop
    /// string does). Returns the deltas and the result.</summary>
    private static (List<EngineDelta> Deltas, EngineResult? Result) Stream(OutputProcessor processor, string id, int[] tokens, FinishReason last)
    {
        var deltas = new List<EngineDelta>();
        for (var i = 0; i < tokens.Length; i++)
        {
            var step = i;
            var finish = i == tokens.Length - 1 ? Finish(id, last, tokens) : null;
            var ended = processor.Process([new SequenceOutput(id, tokens[i], finish)], r => Finish(r, FinishReason.Stop, tokens[..(step + 1)]), deltas);
            if (ended.Count > 0) return (deltas, ended[0]);
        }
        return (deltas, null);
    }

    [Fact]
    public void Without_stop_strings_each_token_streams_its_text_at_once_and_the_result_carries_the_last()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r"), streamed: true);

        var (deltas, result) = Stream(processor, "r", [1, 2, 3, 4], FinishReason.Length);

        Assert.Equal([("Hel", 1), ("lo\n", 2), ("\nWor", 3)], deltas.Select(d => (d.Text, d.NumOutputTokens)));
        Assert.Equal("Hello\n\nWorld", result!.OutputText);
    }

    [Fact]
    public void Text_that_could_start_a_stop_string_is_held_back_and_a_stop_string_is_never_streamed()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r", "\n\nW"), streamed: true);

        var (deltas, result) = Stream(processor, "r", [1, 2, 3, 4], FinishReason.Length);

        // The longest stop string has 3 characters: the last 2 wait. "Hel" -> "H"; "Hello\n" -> "ell"; then the match.
        Assert.Equal(["H", "ell"], deltas.Select(d => d.Text));
        Assert.Equal("Hello", result!.OutputText);
        Assert.StartsWith(string.Concat(deltas.Select(d => d.Text)), result.OutputText);
    }

    [Fact]
    public void A_token_that_completes_no_character_streams_an_empty_delta()
    {
        var processor = new OutputProcessor(new ByteDecoder(new Dictionary<int, byte[]> { [1] = "a"u8.ToArray(), [2] = [0xC3], [3] = [0xA9, (byte)'!'] }));
        processor.Add(Request("r"), streamed: true);

        var (deltas, result) = Stream(processor, "r", [1, 2, 3, 1], FinishReason.Length);

        Assert.Equal([("a", 1), ("", 2), ("é!", 3)], deltas.Select(d => (d.Text, d.NumOutputTokens)));
        Assert.Equal("aé!a", result!.OutputText);
    }

    [Fact]
    public void A_request_that_is_not_streamed_reports_no_delta()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r"));

        var (deltas, result) = Stream(processor, "r", [1, 2, 3], FinishReason.Length);

        Assert.Empty(deltas);
        Assert.Equal("Hello\n\nWor", result!.OutputText);
    }

    [Fact]
    public async Task The_loop_writes_every_delta_of_a_streamed_request_before_its_task_completes()
    {
        var h = new EngineHarness(Options(maxNumSeqs: 4, blocks: 128));
        await using var loop = new EngineLoop(h.Core);
        loop.Start();
        var channel = Channel.CreateUnbounded<EngineDelta>();

        var batch = loop.GenerateAsync(EngineHarness.Request("batch", Prompt(2, 5), maxNewTokens: 12, seed: 2));
        var streamed = loop.GenerateStreamingAsync(EngineHarness.Request("s", Prompt(1, 5), maxNewTokens: 12, seed: 1), channel.Writer);
        var result = await streamed.WaitAsync(Timeout);
        channel.Writer.Complete();
        var deltas = new List<EngineDelta>();
        await foreach (var d in channel.Reader.ReadAllAsync()) deltas.Add(d);
        await batch.WaitAsync(Timeout);

        // The pattern ends on EOS (no text) or at 12 tokens; every token before the last one has its delta.
        var expected = PatternReference.Expected(Prompt(1, 5), 1, 12);
        Assert.Equal(expected, result.OutputTokenIds);
        Assert.Equal(Enumerable.Range(1, expected.Count - 1), deltas.Select(d => d.NumOutputTokens));
        Assert.All(deltas, d => Assert.Equal("s", d.RequestId));
        var text = string.Concat(expected.Where(t => t != PatternRunner.Eos).Select(TestDecoder.Text));
        Assert.Equal(text, result.OutputText);
        Assert.StartsWith(string.Concat(deltas.Select(d => d.Text)), text);
    }

    [Fact]
    public async Task Cancelling_a_streamed_request_aborts_it_and_frees_its_blocks()
    {
        // NOTE: room for all 100,000 tokens (400,000 slots): with 128 blocks the request ran out of KV after ~500 instant
        // steps and ended on its own, once under the full suite's load before the test thread got to cancel it.
        var h = new EngineHarness(Options(blocks: 100_000));
        await using var loop = new EngineLoop(h.Core);
        loop.Start();
        using var cts = new CancellationTokenSource();
        var channel = Channel.CreateUnbounded<EngineDelta>();

        var task = loop.GenerateStreamingAsync(EngineHarness.Request("long", Prompt(1, 6), maxNewTokens: 100_000, ignoreEos: true), channel.Writer, cts.Token);
        await channel.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Timeout));

        await loop.DrainAsync(TimeSpan.FromSeconds(5)).WaitAsync(Timeout);
        Assert.Equal(0, h.Core.Scheduler.KvCache.Pool.NumUsedBlocks);
        Assert.Empty(h.Runner.Violations);
    }
}
