namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>A checkpoint's weight files are missing, unreadable or hold something the model cannot
/// use (bad header, unsupported dtype); the message names the file and the tensor.</summary>
public class CheckpointException : Exception
{
    public CheckpointException(string message) : base(message) { }
    public CheckpointException(string message, Exception inner) : base(message, inner) { }
}
