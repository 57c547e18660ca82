namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Tests that read this process's resident memory run in this collection, alone (no other test class runs in
/// parallel with them), so other tests' allocations do not move their numbers.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "memory-measuring";
}
