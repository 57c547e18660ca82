using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>One tiny MoE Intern-S1 checkpoint per test class, loaded once in float32.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "interns1-torch-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Summary = TinyCheckpointWriter.Write(Directory, new TinyCheckpointOptions { Seed = 11 });
        Runner = TorchModelRunner.Load(Directory, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
    }

    public string Directory { get; }
    public TinyCheckpointSummary Summary { get; }
    public TorchModelRunner Runner { get; }

    public void Dispose()
    {
        Runner.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
