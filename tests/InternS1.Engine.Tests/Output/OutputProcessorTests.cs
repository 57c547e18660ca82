using InternS1.Engine.Output;
using InternS1.Engine.Requests;
using InternS1.Engine.Scheduling;
using InternS1.Engine.Tests.Doubles;

namespace InternS1.Engine.Tests.Output;

public sealed class OutputProcessorTests
{
    private const int Eos = 9;

    // Token texts: "Hel" + "lo\n" + "\nWor" + "ld" = "Hello\n\nWorld".
    private static readonly Dictionary<int, string> Words = new()
    {
        [1] = "Hel", [2] = "lo\n", [3] = "\nWor", [4] = "ld", [5] = "END", [Eos] = "<|im_end|>",
    };

    private static EngineRequest Request(string id, params string[] stops) => new()
    {
        RequestId = id,
        PromptTokenIds = [7, 7],
        Sampling = new SamplingParams { StopTokenIds = [Eos], StopStrings = stops },
    };

    private static SequenceFinish Finish(string id, FinishReason reason, int[] tokens, bool stoppedOnToken = false) => new()
    {
        RequestId = id,
        Reason = reason,
        StoppedOnToken = stoppedOnToken,
        OutputTokenIds = tokens,
        NumPromptTokens = 2,
        NumCachedTokens = 1,
        QueueTime = TimeSpan.FromSeconds(3),
    };

    /// <summary>Feeds <paramref name="tokens"/> one step each until the request ends, as the scheduler would; its
    /// stop callback records the step and id it ends.</summary>
    private static (List<EngineResult> Results, List<(int Step, string Id)> Stopped) Run(OutputProcessor processor, string id, int[] tokens,
        SequenceFinish? lastFinish = null)
    {
        var results = new List<EngineResult>();
        var stopped = new List<(int, string)>();
        for (var i = 0; i < tokens.Length && results.Count == 0; i++)
        {
            var step = i;
            var finish = i == tokens.Length - 1 ? lastFinish : null;
            results.AddRange(processor.Process([new SequenceOutput(id, tokens[i], finish)], r =>
            {
                stopped.Add((step, r));
                return Finish(r, FinishReason.Stop, tokens[..(step + 1)]);
            }));
        }
        return (results, stopped);
    }

    [Fact]
    public void A_stop_string_across_two_tokens_ends_the_request_on_the_token_that_completes_it()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r", "\n\n"));

        var (results, stopped) = Run(processor, "r", [1, 2, 3, 4]);

        Assert.Equal([(2, "r")], stopped);
        var result = Assert.Single(results);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal("\n\n", result.StopString);
        Assert.Equal("Hello", result.OutputText);
        Assert.Equal([1, 2, 3], result.OutputTokenIds);
        Assert.Equal(0, processor.NumRequests);
    }

    [Fact]
    public void The_text_is_cut_at_the_stop_string_even_when_the_token_carries_more_text()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r", "oW"));

        var (results, _) = Run(processor, "r", [1, 2, 3, 4]);

        // "Hello\n\nWorld" has no "oW"; the request runs to the scheduler's end with the whole text.
        Assert.Empty(results);
        var finished = processor.Complete(Finish("r", FinishReason.Length, [1, 2, 3, 4]));
        Assert.Equal("Hello\n\nWorld", finished.OutputText);
        Assert.Null(finished.StopString);

        processor.Add(Request("s", "Wo"));
        var (cut, stopped) = Run(processor, "s", [1, 2, 3, 4]);
        Assert.Equal([(2, "s")], stopped);
        Assert.Equal("Hello\n\n", Assert.Single(cut).OutputText);
    }

    [Fact]
    public void Of_two_matching_stop_strings_the_one_that_starts_first_wins()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r", "World", "\n\nW", "\nW"));

        var (results, _) = Run(processor, "r", [1, 2, 3]);

        var result = Assert.Single(results);
        Assert.Equal("\n\nW", result.StopString);
        Assert.Equal("Hello", result.OutputText);
    }

    [Fact]
    public void A_final_stop_token_is_counted_but_left_out_of_the_text_and_matches_no_stop_string()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r", "im_end"));

        var (results, stopped) = Run(processor, "r", [1, 2, Eos], Finish("r", FinishReason.Stop, [1, 2, Eos], stoppedOnToken: true));

        Assert.Empty(stopped);
        var result = Assert.Single(results);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Null(result.StopString);
        Assert.Equal("Hello\n", result.OutputText);
        Assert.Equal([1, 2, Eos], result.OutputTokenIds);
    }

    [Fact]
    public void A_stop_string_on_the_last_allowed_token_turns_length_into_stop()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r", "END"));

        var (results, stopped) = Run(processor, "r", [1, 5], Finish("r", FinishReason.Length, [1, 5]));

        Assert.Empty(stopped); // the scheduler already ended it
        var result = Assert.Single(results);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal("END", result.StopString);
        Assert.Equal("Hel", result.OutputText);
    }

    [Fact]
    public void A_character_split_over_tokens_is_held_back_until_complete_and_a_stop_string_can_end_inside_it()
    {
        // "é" is C3 A9 and "€" is E2 82 AC; token 2 holds the first byte of "é", token 3 the second and "!".
        var processor = new OutputProcessor(new ByteDecoder(new Dictionary<int, byte[]>
        {
            [1] = "a"u8.ToArray(), [2] = [0xC3], [3] = [0xA9, (byte)'!'], [4] = [0xE2, 0x82],
        }));
        processor.Add(Request("stop", "é!"));
        processor.Add(Request("open"));

        var (stopped, ids) = Run(processor, "stop", [1, 2, 3]);
        Assert.Equal([(2, "stop")], ids);
        Assert.Equal("a", Assert.Single(stopped).OutputText);

        Run(processor, "open", [1, 2, 3, 4]);
        var open = processor.Complete(Finish("open", FinishReason.Length, [1, 2, 3, 4]));
        Assert.Equal("aé!\uFFFD", open.OutputText); // the unfinished "€" decodes to one U+FFFD at the end
    }

    [Fact]
    public void An_ending_without_a_new_token_keeps_the_scheduler_accounting_and_the_text_so_far()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("r"));
        Run(processor, "r", [1, 2]);

        var results = processor.Process([new SequenceOutput("r", null, Finish("r", FinishReason.Deadline, [1, 2]))],
            _ => throw new InvalidOperationException("no stop string here"));

        var result = Assert.Single(results);
        Assert.Equal(FinishReason.Deadline, result.FinishReason);
        Assert.Equal("Hello\n", result.OutputText);
        Assert.Equal((2, 1, TimeSpan.FromSeconds(3)), (result.NumPromptTokens, result.NumCachedTokens, result.QueueTime));
    }

    [Fact]
    public void Several_requests_in_one_step_keep_their_own_text()
    {
        var processor = new OutputProcessor(ByteDecoder.FromText(Words));
        processor.Add(Request("a"));
        processor.Add(Request("b", "lo"));

        var results = processor.Process([new SequenceOutput("a", 1, null), new SequenceOutput("b", 1, null)], _ => throw new InvalidOperationException());
        Assert.Empty(results);
        var stopped = processor.Process([new SequenceOutput("a", 2, null), new SequenceOutput("b", 2, null)], id => Finish(id, FinishReason.Stop, [1, 2]));

        Assert.Equal("Hel", Assert.Single(stopped).OutputText);
        Assert.Equal("b", stopped[0].RequestId);
        Assert.Equal(1, processor.NumRequests);
        Assert.Equal("Hello\n", processor.Complete(Finish("a", FinishReason.Aborted, [1, 2])).OutputText);
    }
}
