namespace InternS1.Engine.Scheduling;

/// <summary>One sequence's share of the step being built: tokens to compute from its computed
/// position, media tiles that chunk sends to the encoder, and which media runs they are.</summary>
internal sealed record ChunkPlan(EngineSequence Sequence, int NumNewTokens, int NumTiles, IReadOnlyList<int> MediaIndexes);
