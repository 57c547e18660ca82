using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Benchmarks.Structured;

/// <summary>Sizes of <see cref="StructuredBenchmark"/>: the batch of 64 sequences, each constrained by an
/// annotation schema, against the same 64 unconstrained; <see cref="Quick"/> is a smaller run of the same comparison.</summary>
public sealed record StructuredBenchmarkOptions
{
    /// <summary>The decode workload's schema: a label, a confidence, free evidence text and tags, every value bounded.</summary>
    public const string AnnotationSchema = """{"type":"object","properties":{"label":{"enum":["positive","negative","neutral","mixed"]},"confidence":{"type":"number","minimum":0,"maximum":1,"multipleOf":0.01},"evidence":{"type":"string","maxLength":200},"tags":{"type":"array","items":{"type":"string","maxLength":30},"maxItems":5}},"required":["label","confidence","evidence","tags"],"additionalProperties":false}""";

    /// <summary>Compute dtype; null = auto, resolved as the worker resolves <c>Model:Dtype</c>.</summary>
    public ComputeDtype? Dtype { get; init; }

    /// <summary>Torch intra-op threads; null = all processors, as the worker runs.</summary>
    public int? Threads { get; init; }

    /// <summary>Sequences decoded together (every one constrained in the constrained run).</summary>
    public int Sequences { get; init; } = 64;

    public int PromptTokens { get; init; } = 16;

    /// <summary>Output tokens of every sequence (eos ignored, so both runs decode the same number of tokens).</summary>
    public int OutputTokens { get; init; } = 96;

    /// <summary>Sampling temperature of both runs.</summary>
    public float Temperature { get; init; } = 1.0f;

    /// <summary>Each run is repeated this many times, alternating, and the best kept (shared machines are noisy).</summary>
    public int Repeats { get; init; } = 2;

    /// <summary>Where the random checkpoint is written (deleted afterwards); null = the temp folder.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>When set, the checkpoint is written once under this folder and reused.</summary>
    public string? CheckpointCacheDirectory { get; init; }

    /// <summary>The schemas whose compile time (cold, in a fresh compiler, and cached) is measured.</summary>
    public IReadOnlyList<(string Name, string Schema)> CompileSchemas { get; init; } =
    [
        ("annotation (decode workload)", AnnotationSchema),
        ("label enum", """{"type":"object","properties":{"label":{"enum":["positive","negative","neutral"]}},"required":["label"],"additionalProperties":false}"""),
        ("nested with pattern", """{"type":"object","properties":{"person":{"type":"object","properties":{"name":{"type":"string","maxLength":40},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["name","zip"]}},"required":["person"]}"""),
        ("formats (date, uuid)", """{"type":"object","properties":{"day":{"type":"string","format":"date"},"id":{"type":"string","format":"uuid"}},"required":["day","id"]}"""),
        ("recursive tree", """{"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer","minimum":0,"maximum":9},"kids":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":3}},"required":["v","kids"]}},"$ref":"#/$defs/node"}"""),
    ];

    /// <summary>The same comparison at a fraction of the work (<c>--quick</c>).</summary>
    public static StructuredBenchmarkOptions Quick { get; } = new() { Sequences = 16, OutputTokens = 24, Repeats = 1 };
}
