package dev.workerclass.autoconfigure;

import dev.workerclass.jetty.autoconfigure.JettyWorkersAutoConfiguration;
import dev.workerclass.netty.autoconfigure.NettyWorkersAutoConfiguration;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.tomcat.autoconfigure.TomcatWorkersAutoConfiguration;
import dev.workerclass.undertow.autoconfigure.UndertowWorkersAutoConfiguration;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;

/** The starter's auto-configurations as an application gets them, for context runners. */
public final class WorkerClassAutoConfigurations {

	private WorkerClassAutoConfigurations() {
	}

	/** Every auto-configuration of the starter but the actuator's, followed by {@code others}. */
	public static AutoConfigurations with(Class<?>... others) {
		Class<?>[] ours = { WorkerClassAutoConfiguration.class, ServletWorkersAutoConfiguration.class,
				TomcatWorkersAutoConfiguration.class, JettyWorkersAutoConfiguration.class,
				ReactiveWorkersAutoConfiguration.class, NettyWorkersAutoConfiguration.class,
				UndertowWorkersAutoConfiguration.class };
		Class<?>[] all = new Class<?>[ours.length + others.length];
		System.arraycopy(ours, 0, all, 0, ours.length);
		System.arraycopy(others, 0, all, ours.length, others.length);
		return AutoConfigurations.of(all);
	}

}
