namespace InternS1.Engine.Torch.Running;

/// <summary>The dtype weights are held and computed in (<c>--dtype</c>).</summary>
public enum ComputeDtype
{
    /// <summary>float32: exact reference numerics, 4 bytes per weight and KV element.</summary>
    Float32,
    /// <summary>bfloat16: the checkpoints' own dtype, 2 bytes per weight and KV element.</summary>
    BFloat16,
}
