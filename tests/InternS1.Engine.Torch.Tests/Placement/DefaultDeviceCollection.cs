namespace InternS1.Engine.Torch.Tests.Placement;

/// <summary>Tests that change torch's process-wide default device run alone (never beside other torch tests).</summary>
[CollectionDefinition(nameof(DefaultDeviceCollection), DisableParallelization = true)]
public sealed class DefaultDeviceCollection;
