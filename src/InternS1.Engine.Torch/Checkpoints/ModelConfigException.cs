namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>A model folder's configuration is missing, unreadable or inconsistent; the message names the file and key.</summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string message) : base(message) { }
    public ModelConfigException(string message, Exception inner) : base(message, inner) { }
}
