using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The real worker composition with the deterministic test executor (tests only).
var builder = InternS1Host.CreateApplicationBuilder(args);
builder.Services.AddInternS1Worker(builder.Configuration);
builder.Services.AddSingleton<IPromptJobExecutor, DeterministicTestExecutor>();
using var host = builder.Build();
host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => Console.WriteLine("TESTWORKER READY"));
await host.RunAsync();
