using InternS1.Batch.Cli.Tests.Dashboard;
using InternS1.Batch.Worker.Options;
using Npgsql;

namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>
/// The Kubernetes manifests of <c>ops/k8s</c> read as kustomize and the kubelet would (no cluster, no kubectl): every
/// reference resolves, every setting is one the product binds, the image holds what the Jobs copy out of it, and each
/// pod gets only its own logins.
/// </summary>
public class KubernetesManifestTests
{
    private static readonly IReadOnlyList<K8sObject> Objects = K8sManifests.Objects();

    private const string Image = "interns1-batch";

    private static IEnumerable<(K8sObject Owner, Dictionary<object, object> Container)> AllContainers()
        => Objects.Where(o => o.Kind is "Job" or "Deployment")
            .SelectMany(o => K8sManifests.Containers(o, init: true).Concat(K8sManifests.Containers(o)).Select(c => (o, c)));

    private static bool RunsTheImage(Dictionary<object, object> container)
        => GrafanaFiles.Scalar(container, "image", "container").Split(':')[0] == Image;

    private static Dictionary<object, object> MainOf(string kind, string name) => K8sManifests.Containers(K8sManifests.Single(Objects, kind, name)).Single();

    private static Dictionary<string, string> EnvOf(string kind, string name) => K8sManifests.Environment(Objects, MainOf(kind, name));

    private static Dictionary<string, string> Admin => K8sManifests.Data(K8sManifests.Single(Objects, "Secret", "interns1-admin"));

    [Fact]
    public void Every_file_the_kustomization_lists_exists_and_parses_and_every_manifest_but_the_example_secrets_is_listed()
    {
        var resources = K8sManifests.Resources();
        foreach (var file in resources)
            Assert.True(File.Exists(Path.Combine(K8sManifests.Folder, file)), $"kustomization.yaml lists {file}, which does not exist");
        var onDisk = Directory.GetFiles(K8sManifests.Folder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
        Assert.Equal([K8sManifests.ExampleSecrets], onDisk.Except(resources));
        // NOTE: `kubectl apply -k` would overwrite the operator's secrets with the example's placeholder passwords
        // (which the roles Job would then set on the database roles): secrets are never resources.
        Assert.DoesNotContain(Objects, o => o.Kind == "Secret" && o.File != K8sManifests.ExampleSecrets);
        Assert.All(Objects.Where(o => o.File == K8sManifests.ExampleSecrets), o => Assert.Equal("Secret", o.Kind));
        Assert.All(Objects, o => Assert.Contains("apiVersion", o.Document.Keys));
        Assert.Equal(Objects.Count, Objects.Select(o => (o.Kind, o.Name)).Distinct().Count());
        Assert.Equal(["ConfigMap", "Deployment", "Job", "Namespace", "ScaledObject", "Secret", "TriggerAuthentication"], Objects.Select(o => o.Kind).Distinct().Order());
    }

    [Fact]
    public void Every_secret_and_config_map_a_pod_or_KEDA_reads_is_defined_in_the_set_with_the_keys_it_uses()
    {
        var problems = new List<string>();
        void Check(string who, string kind, string name, string? key)
        {
            var defined = Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name);
            if (defined is null)
                problems.Add($"{who} reads {kind} {name}, which ops/k8s does not define");
            else if (key is not null && !K8sManifests.Data(defined).ContainsKey(key))
                problems.Add($"{who} reads key {key} of {kind} {name}, which has no such key");
        }
        foreach (var (owner, container) in AllContainers())
        {
            foreach (var (kind, name, key) in K8sManifests.References(container))
                Check($"{owner.Kind} {owner.Name}", kind, name, key);
        }
        foreach (var auth in Objects.Where(o => o.Kind == "TriggerAuthentication"))
        {
            foreach (var target in GrafanaFiles.ListOf(GrafanaFiles.MapOf(auth.Document["spec"], "spec").GetValueOrDefault("secretTargetRef"), "secretTargetRef"))
            {
                var t = GrafanaFiles.MapOf(target, "secretTargetRef");
                Check($"TriggerAuthentication {auth.Name}", "Secret", GrafanaFiles.Scalar(t, "name", "secretTargetRef"), GrafanaFiles.Scalar(t, "key", "secretTargetRef"));
            }
        }
        var scaled = GrafanaFiles.MapOf(K8sManifests.Single(Objects, "ScaledObject", "interns1-worker").Document["spec"], "spec");
        Check("ScaledObject", "Deployment", GrafanaFiles.Scalar(GrafanaFiles.MapOf(scaled["scaleTargetRef"], "scaleTargetRef"), "name", "scaleTargetRef"), null);
        foreach (var trigger in GrafanaFiles.ListOf(scaled["triggers"], "triggers").Select(t => GrafanaFiles.MapOf(t, "trigger")))
            Check("ScaledObject trigger", "TriggerAuthentication", GrafanaFiles.Scalar(GrafanaFiles.MapOf(trigger["authenticationRef"], "authenticationRef"), "name", "authenticationRef"), null);
        Assert.Empty(problems);
        Assert.NotEmpty(AllContainers().SelectMany(c => K8sManifests.References(c.Container)));
    }

    [Fact]
    public void Every_interns1_setting_the_manifests_give_the_image_is_a_setting_the_product_binds_with_a_value_of_its_type()
    {
        var variables = AllContainers().Where(c => RunsTheImage(c.Container))
            .SelectMany(c => K8sManifests.Environment(Objects, c.Container))
            .Where(e => ProductSettings.IsProductVariable(e.Key)).Distinct().ToList();
        Assert.Contains(variables, v => v.Key == "INTERNS1_Worker__HealthPort");
        Assert.Contains(variables, v => v.Key == "ConnectionStrings__PostgresOwner");
        Assert.Empty(variables.Select(v => ProductSettings.Problem(v.Key, v.Value)).OfType<string>());
        // The image's own defaults (ops/Dockerfile ENV) too; the pod's config map agrees with them where both set one.
        var image = DockerImage.Environment().Where(e => ProductSettings.IsProductVariable(e.Key)).ToList();
        Assert.Contains(image, e => e.Key == "INTERNS1_Worker__HealthPort");
        Assert.Empty(image.Select(v => ProductSettings.Problem(v.Key, v.Value)).OfType<string>());
        var pod = EnvOf("Deployment", "interns1-worker");
        Assert.All(image.Where(e => pod.ContainsKey(e.Key)), e => Assert.Equal(e.Value, pod[e.Key]));

        // The worker's options, bound from its pod's environment, pass the validation the worker runs at start.
        var worker = ProductSettings.Bind<WorkerOptions>(EnvOf("Deployment", "interns1-worker"), WorkerOptions.SectionName);
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(worker, new(worker), errors, validateAllProperties: true),
            string.Join("; ", errors.Select(e => e.ErrorMessage)));
    }

    [Fact]
    public void A_misspelt_setting_and_a_value_of_the_wrong_type_are_not_settings_of_the_product()
    {
        Assert.Null(ProductSettings.Problem("INTERNS1_Worker__HealthPort", "8080"));
        Assert.Contains("HealthPrt", ProductSettings.Problem("INTERNS1_Worker__HealthPrt", "8080"));
        Assert.NotNull(ProductSettings.Problem("INTERNS1_Worker__HealthPort", "eighty"));
        Assert.NotNull(ProductSettings.Problem("INTERNS1_Wroker__HealthPort", "8080"));
        Assert.Null(ProductSettings.Problem("ConnectionStrings__PostgresOwner", "Host=x"));
        Assert.Contains("PostgresAdmin", ProductSettings.Problem("ConnectionStrings__PostgresAdmin", "Host=x"));
    }

    [Fact]
    public void The_worker_pod_uses_the_worker_logins_the_migrate_job_the_owner_and_neither_sees_the_administrators()
    {
        var admin = Admin;
        foreach (var (owner, container) in AllContainers().Where(c => c.Owner.Kind == "Deployment" || c.Owner.Name == "interns1-migrate"))
            Assert.DoesNotContain(K8sManifests.References(container), r => r.Name == "interns1-admin");
        foreach (var pod in Objects.Where(o => o.Kind == "Deployment" || o.Name == "interns1-migrate"))
            Assert.DoesNotContain("interns1-admin", new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(K8sManifests.PodSpec(pod)));
        Assert.DoesNotContain(K8sManifests.References(MainOf("Deployment", "interns1-worker")), r => r.Name == "interns1-migrations");

        // Nor may a pod read the secrets through the Kubernetes API: none of them gets a service account token.
        Assert.All(Objects.Where(o => o.Kind is "Job" or "Deployment"),
            o => Assert.True(K8sManifests.PodSpec(o).GetValueOrDefault("automountServiceAccountToken") as string == "false", $"{o.Kind} {o.Name} mounts a service account token"));

        var worker = EnvOf("Deployment", "interns1-worker");
        Assert.DoesNotContain("ConnectionStrings__PostgresOwner", worker.Keys);
        var database = new NpgsqlConnectionStringBuilder(worker["ConnectionStrings__Postgres"]);
        Assert.Equal((admin["INTERNS1_PG_WORKER"], admin["INTERNS1_PG_WORKER_PASSWORD"], admin["INTERNS1_PG_DATABASE"], admin["PGHOST"]),
            (database.Username, database.Password, database.Database, database.Host));
        var broker = new Uri(worker["ConnectionStrings__RabbitMq"]);
        Assert.Equal($"{admin["WORKER_USER"]}:{admin["WORKER_PASSWORD"]}", Uri.UnescapeDataString(broker.UserInfo));
        Assert.Equal(new Uri(admin["RABBIT_API"]).Host, broker.Host);
        Assert.Equal(admin["JOBS_QUEUE"], worker["INTERNS1_Worker__QueueName"]);

        var migrate = EnvOf("Job", "interns1-migrate");
        var ownerLogin = new NpgsqlConnectionStringBuilder(migrate["ConnectionStrings__PostgresOwner"]);
        Assert.Equal((admin["INTERNS1_PG_OWNER"], admin["INTERNS1_PG_OWNER_PASSWORD"], admin["INTERNS1_PG_DATABASE"], admin["PGHOST"]),
            (ownerLogin.Username, ownerLogin.Password, ownerLogin.Database, ownerLogin.Host));
        Assert.NotEqual(admin["PGUSER"], database.Username);
        Assert.NotEqual(admin["PGUSER"], ownerLogin.Username);
        Assert.NotEqual(ownerLogin.Username, database.Username);
        Assert.NotEqual(admin["RABBIT_ADMIN_USER"], admin["WORKER_USER"]);
    }

    [Fact]
    public void KEDA_watches_the_queue_the_workers_consume_and_scales_the_worker_deployment()
    {
        var worker = EnvOf("Deployment", "interns1-worker");
        var spec = GrafanaFiles.MapOf(K8sManifests.Single(Objects, "ScaledObject", "interns1-worker").Document["spec"], "spec");
        var trigger = GrafanaFiles.MapOf(GrafanaFiles.ListOf(spec["triggers"], "triggers").Single(), "trigger");
        var metadata = GrafanaFiles.MapOf(trigger["metadata"], "trigger metadata");
        Assert.Equal(worker["INTERNS1_Worker__QueueName"], metadata["queueName"]);
        // The comment beside it: about the jobs one replica holds at once.
        Assert.Equal(worker["INTERNS1_Worker__PrefetchCount"], metadata["value"]);
        var host = new Uri(K8sManifests.Data(K8sManifests.Single(Objects, "Secret", "interns1-connections"))["rabbitmq-host"]);
        Assert.Equal(new Uri(worker["ConnectionStrings__RabbitMq"]).UserInfo, host.UserInfo);
    }
}
