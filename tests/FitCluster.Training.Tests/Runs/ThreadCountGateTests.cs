using FitCluster.Training.Runs;
using Xunit;

namespace FitCluster.Training.Tests.Runs;

[CollectionDefinition(nameof(ThreadCountGateTests), DisableParallelization = true)]
public sealed class ThreadCountGateGroup;

/// <summary>Alone (no other test trains meanwhile): it changes libtorch's process-wide thread count.</summary>
[Collection(nameof(ThreadCountGateTests))]
public sealed class ThreadCountGateTests
{
    [Fact]
    public async Task Enter_AnotherCountWaitsForRunningTrainings_TheSameCountDoesNot()
    {
        var count = Environment.ProcessorCount;
        var other = count == 1 ? 2 : 1;
        var first = ThreadCountGate.Enter(count);
        var same = await Task.Run(() => ThreadCountGate.Enter(count)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var changing = Task.Run(() => ThreadCountGate.Enter(other));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(changing.IsCompleted, "a training with another thread count started while two others ran");
        first.Dispose();
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(changing.IsCompleted, "it started while one other still ran");
        same.Dispose();
        same.Dispose(); // twice counts out once

        // (libtorch's count is not asserted: with its OpenMP backend get_num_threads answers per calling thread.)
        (await changing.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Dispose();
        var back = await Task.Run(() => ThreadCountGate.Enter(count)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        back.Dispose(); // nothing running: changed back at once
    }
}
