package dev.workerclass.autoconfigure;

import java.util.Arrays;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Keeps Reactor Netty's management context, and drops the servlet containers' reactive ones,
 * when the application is reactive. An app with both web stacks (one that switches between all
 * four classes, as the demo does) has Tomcat (or Jetty) on the class path beside Reactor Netty;
 * each offers a reactive child context for {@code management.server.port} under the same bean
 * name, and Spring Boot refuses to start with both. The management server then runs on Reactor Netty, whatever engine serves the app.
 */
public final class ReactiveManagementContextImportFilter implements AutoConfigurationImportFilter, EnvironmentAware,
		BeanClassLoaderAware {

	static final String NETTY = "org.springframework.boot.reactor.netty.autoconfigure.actuate.web.server"
			+ ".NettyReactiveManagementContextAutoConfiguration";

	static final Set<String> SERVLET_CONTAINERS = Set.of(
			"org.springframework.boot.tomcat.autoconfigure.actuate.web.server"
					+ ".TomcatReactiveManagementContextAutoConfiguration",
			"org.springframework.boot.jetty.autoconfigure.actuate.web.server"
					+ ".JettyReactiveManagementContextAutoConfiguration");

	private @Nullable Environment environment;

	private @Nullable ClassLoader classLoader;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public boolean[] match(@Nullable String[] candidates, AutoConfigurationMetadata metadata) {
		boolean[] keep = new boolean[candidates.length];
		Arrays.fill(keep, true);
		if (!isReactive() || !Arrays.asList(candidates).contains(NETTY)
				|| !ClassUtils.isPresent("reactor.netty.http.server.HttpServer", this.classLoader)) {
			return keep;
		}
		for (int i = 0; i < candidates.length; i++) {
			// An earlier filter leaves null where it dropped a candidate.
			keep[i] = candidates[i] == null || !SERVLET_CONTAINERS.contains(candidates[i]);
		}
		return keep;
	}

	private boolean isReactive() {
		return this.environment != null
				&& "reactive".equalsIgnoreCase(this.environment.getProperty("spring.main.web-application-type", ""));
	}

}
