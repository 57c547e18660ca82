namespace InternS1.Batch.Storage.Dashboard;

/// <summary>One minute of <c>throughput_per_minute</c> (minutes without a finished job are filled with zeros).</summary>
public sealed record ThroughputPoint(DateTime Minute, long Succeeded, long NotSucceeded, long CompletionTokens);
