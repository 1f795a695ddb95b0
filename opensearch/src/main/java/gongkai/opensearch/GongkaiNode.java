package gongkai.opensearch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, configured by HOME/config/opensearch.yml.
 *
 * <p>The OpenSearch distribution loads its modules from a modules/ folder of unpacked plugins; Maven
 * Central serves them as plain jars, so the node is given its plugins as classes on the class path
 * instead. Only what gongkai uses is loaded: Netty (HTTP and the transport between nodes) and the
 * common analysis components (whitespace tokenizer, pattern_capture and stop filters).
 *
 * <p>Usage: {@code java -cp 'target/classes:target/lib/*' gongkai.opensearch.GongkaiNode HOME}.
 * SIGTERM closes the node cleanly (flushes its shards) before the JVM exits. With
 * {@code -Dgongkai.parent.pid=PID} the node also closes itself when that process is gone, so a test
 * run that is killed leaves no node behind.
 */
public final class GongkaiNode {
    private GongkaiNode() {}

    /** Node with class-path plugins; the constructor that takes them is protected in Node. */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment, List<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }

        @Override
        protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
            // The distribution's listener feeds node and cluster ids into its log4j pattern layout,
            // which this node (logging through log4j2.properties on the class path) does not use.
        }
    }

    private static void watchParent() {
        String parent = System.getProperty("gongkai.parent.pid");
        if (parent == null || parent.isEmpty()) {
            return;
        }
        long pid = Long.parseLong(parent);
        Thread watcher = new Thread(() -> {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("gongkai-node: process " + pid + " is gone, stopping");
            System.exit(0);
        }, "gongkai-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: GongkaiNode HOME (HOME/config/opensearch.yml holds the settings)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Settings initial = Settings.builder().put("path.home", home.toString()).build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            initial, Map.of(), home.resolve("config"), () -> "node");
        Node node = new ClasspathPluginNode(env, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "gongkai-node-shutdown"));
        node.start();
        watchParent();
        System.out.println("gongkai-node started: " + home);
        stopped.await();
    }
}
