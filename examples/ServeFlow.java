import dev.baton.*;

import java.time.Duration;

/**
 * A flow served in its own process, as Prefect's flow.serve(): a deployment due every 10
 * seconds, whose runs this process starts when due until it is stopped with Ctrl-C. Meanwhile,
 * from another terminal:
 *
 *   ./baton deployment ls
 *   ./baton deployment run hello --param name=Baton --watch
 *   ./baton flow-run ls
 */
public class ServeFlow {
    static final Task1<String, String> greet = Task.named("greet").of(name -> "Hello, " + name + "!");

    static final Flow1<String, String> hello = Flow.named("hello").parameterNames("name")
            .of(name -> {
                String greeting = greet.call(name);
                Baton.logger().info(greeting);
                return greeting;
            });

    public static void main(String[] args) {
        Duration every = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 10);
        hello.serve(Deployment.named("hello")
                .parameter("name", "world")
                .schedules(Schedule.interval(every)));
    }
}
