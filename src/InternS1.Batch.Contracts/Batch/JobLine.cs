using System.Text.Json.Nodes;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>One job read from a submit file: its line number, ids and the native job JSON to publish.</summary>
public sealed record JobLine(int LineNumber, string JobId, string CustomId, JsonObject Job);
