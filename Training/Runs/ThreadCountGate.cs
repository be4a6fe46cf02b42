using static TorchSharp.torch;

namespace FitCluster.Training.Runs;

/// <summary>
/// libtorch's intra-op thread count is process-wide, and changing it (<c>set_num_threads</c>) while another training in
/// the same process runs operators on the old pool crashes libtorch (segmentation faults on thread-pool workers, seen
/// when test classes that train with different <c>--threads</c> ran in parallel). Trainings that want the count already
/// set run together; one that wants another count waits until none is running, then changes it.
/// </summary>
internal sealed class ThreadCountGate : IDisposable
{
    private static readonly object s_lock = new(); // Monitor.Wait needs a monitor, not a System.Threading.Lock
    private static int s_active;
    private static int s_threads = -1;
    private bool _released;

    private ThreadCountGate()
    {
    }

    /// <summary>Waits until the thread count can be <paramref name="threads"/>, sets it if needed, and counts a training in.</summary>
    public static ThreadCountGate Enter(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        lock (s_lock)
        {
            while (s_active > 0 && s_threads != threads)
            {
                Monitor.Wait(s_lock);
            }

            if (s_threads != threads)
            {
                set_num_threads(threads);
                s_threads = threads;
            }

            s_active++;
        }

        return new ThreadCountGate();
    }

    /// <summary>Counts the training out; a waiting one with another thread count may proceed.</summary>
    public void Dispose()
    {
        lock (s_lock)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            s_active--;
            Monitor.PulseAll(s_lock);
        }
    }
}
