using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Running;

namespace InternS1.Engine.Torch.Tests.Integration;

/// <summary>Builds an engine over the real runner (through a <see cref="RecordingRunner"/>) and
/// steps it, admitting each job at its arrival step.</summary>
internal sealed class EngineScenario
{
    public EngineScenario(TorchModelRunner runner, EngineOptions options)
    {
        Recorder = new RecordingRunner(runner, options);
        Core = new EngineCore(Recorder, new IdListDecoder(), options);
    }

    public RecordingRunner Recorder { get; }

    public EngineCore Core { get; }

    /// <summary>Steps until every job ended; <paramref name="arrivals"/> gives each job's admission step.</summary>
    public Dictionary<string, EngineResult> Run(IReadOnlyList<(int Step, EngineRequest Job)> arrivals)
    {
        var results = new Dictionary<string, EngineResult>(StringComparer.Ordinal);
        var waiting = arrivals.OrderBy(a => a.Step).ToList();
        for (var step = 0; results.Count < arrivals.Count; step++)
        {
            Assert.True(step < 5000, "the engine did not finish the jobs within 5000 steps");
            foreach (var a in waiting.Where(a => a.Step <= step).ToList())
            {
                Core.AddRequest(a.Job);
                waiting.Remove(a);
            }
            foreach (var r in Core.Step()) results.Add(r.RequestId, r);
        }
        return results;
    }

    public Dictionary<string, EngineResult> RunAll(IEnumerable<EngineRequest> jobs) => Run(jobs.Select(j => (0, j)).ToArray());

    /// <summary>Greedy (temperature 0) or seeded sampling jobs of exact length.</summary>
    public static EngineRequest Job(string id, int[] prompt, int maxNewTokens, float temperature = 0, long seed = 0) => new()
    {
        RequestId = id,
        PromptTokenIds = prompt,
        Sampling = new SamplingParams { Temperature = temperature, TopK = 50, TopP = 1, Seed = seed, MaxNewTokens = maxNewTokens, IgnoreEos = true },
    };

    /// <summary>Seeded random prompt ids from the text vocabulary.</summary>
    public static int[] Prompt(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.Next(0, 151643)).ToArray();
    }
}
