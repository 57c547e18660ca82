using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Running;

namespace InternS1.Engine.Torch.Tests.Integration;

/// <summary>
/// The expectation for engine tests: one job generated on its own, with no scheduler, no paging
/// reuse, no chunking and no batch: every output token comes from a full forward pass over the whole
/// sequence so far (prompt + outputs) from position 0, sampled by the runner with the job's sampling
/// and output index. Re-initialises the runner's KV pool, so call it before building an engine.
/// </summary>
internal static class AloneReference
{
    public sealed record Generation(IReadOnlyList<int> Tokens, IReadOnlyList<float[]> Logits);

    public static Generation Generate(TorchModelRunner runner, IReadOnlyList<int> prompt, SamplingParams sampling)
    {
        const int blockSize = 16;
        var blocks = (prompt.Count + sampling.MaxNewTokens + blockSize - 1) / blockSize;
        runner.InitializeKvCache(blocks, blockSize);
        var table = Enumerable.Range(0, blocks).ToArray();
        var sequence = prompt.ToList();
        var tokens = new List<int>();
        var logits = new List<float[]>();
        for (var i = 0; i < sampling.MaxNewTokens; i++)
        {
            var request = new ScheduledRequest
            {
                RequestId = "alone", TokenIds = sequence.ToArray(), StartPosition = 0, BlockTable = table,
                Sample = true, Sampling = sampling, OutputIndex = i, ReturnLogits = true,
            };
            var output = runner.Execute(new SchedulerOutput(i, [request], [])).Outputs[0];
            Assert.Null(output.Error);
            tokens.Add(output.SampledTokenId!.Value);
            logits.Add(output.Logits!);
            sequence.Add(tokens[^1]);
        }
        return new Generation(tokens, logits);
    }

    /// <summary>References for every job, keyed by request id.</summary>
    public static Dictionary<string, Generation> ForAll(TorchModelRunner runner, IEnumerable<EngineRequest> jobs) =>
        jobs.ToDictionary(j => j.RequestId, j => Generate(runner, j.PromptTokenIds, j.Sampling));
}
