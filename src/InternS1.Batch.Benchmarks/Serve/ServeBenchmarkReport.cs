namespace InternS1.Batch.Benchmarks.Serve;

/// <summary><see cref="ServeBenchmark"/>'s three runs and the two goals: interactive time to first token under
/// a full batch load at most 3x idle; batch throughput loss at most the interactive share of the tokens + 10%.</summary>
public sealed record ServeBenchmarkReport
{
    public required string Model { get; init; }
    public required long Parameters { get; init; }
    public required string Dtype { get; init; }
    public required int Threads { get; init; }

    /// <summary>The CPU's model name and its vector flags that matter here (<see cref="InternS1.Engine.Torch.Hardware.CpuFeatures.Summary"/>).</summary>
    public required string Cpu { get; init; }

    /// <summary>The interactive requests alone on the engine.</summary>
    public required ServeRunStats Idle { get; init; }

    /// <summary>The batch alone.</summary>
    public required ServeRunStats BatchOnly { get; init; }

    /// <summary>The batch, and the same interactive requests once it fills every slot.</summary>
    public required ServeRunStats Mixed { get; init; }

    /// <summary>Mean time to first token under load / idle (goal: at most <see cref="TtftGoal"/>).</summary>
    public double TtftRatio => Idle.MeanTtftSeconds > 0 ? Mixed.MeanTtftSeconds / Idle.MeanTtftSeconds : 0;

    /// <summary>1 - batch tokens/s with interactive traffic / without.</summary>
    public double BatchThroughputLoss => BatchOnly.BatchTokensPerSecond > 0 ? 1 - Mixed.BatchTokensPerSecond / BatchOnly.BatchTokensPerSecond : 0;

    /// <summary>Interactive output tokens / all output tokens of the mixed run.</summary>
    public double InteractiveShare => Mixed.InteractiveOutputTokens + Mixed.BatchOutputTokens is > 0 and var all
        ? (double)Mixed.InteractiveOutputTokens / all : 0;

    public double TtftGoal => 3;

    /// <summary>The most batch throughput loss the goal allows: <see cref="InteractiveShare"/> + 0.10.</summary>
    public double BatchLossGoal => InteractiveShare + 0.10;

    public bool MeetsTtftGoal => TtftRatio <= TtftGoal;
    public bool MeetsBatchLossGoal => BatchThroughputLoss <= BatchLossGoal;
}
