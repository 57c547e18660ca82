using InternS1.Batch.Worker.Messaging;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Where the real services are: the ops/services.sh defaults, or ConnectionStrings__Postgres /
/// ConnectionStrings__RabbitMq from the environment.</summary>
public static class TestServices
{
    public static string Postgres => Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=127.0.0.1;Port=55432;Database=interns1;Username=interns1;Password=interns1";

    public static string RabbitMqUri => Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? "amqp://guest:guest@127.0.0.1:5672/";

    public static RabbitMqAddress RabbitMq => RabbitMqAddress.Parse(RabbitMqUri);

    /// <summary>The repository root (the folder holding InternS1.Batch.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "InternS1.Batch.sln")))
                    return dir.FullName;
            }
            throw new InvalidOperationException("InternS1.Batch.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Condition not met within {timeout}: {await describe()}");
            await Task.Delay(100);
        }
    }
}
