package dev.workerclass.autoconfigure;

import java.util.Locale;

import dev.workerclass.workers.InvalidWorkerSettingException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The engines {@code server.engine} can name for the reactive class. The servlet classes run on
 * the servlet container Spring Boot picked from the class path, so for them the property may
 * only name that container's kind.
 */
public enum ServerEngine {

	/** Reactor Netty, the default. */
	NETTY("reactor.netty.http.server.HttpServer", "spring-boot-reactor-netty (spring-boot-starter-webflux)"),

	/** {@code undertow-core}: XNIO I/O threads as the event loops. */
	UNDERTOW("io.undertow.Undertow", "io.undertow:undertow-core");

	static final String PROPERTY = "server.engine";

	private static final String REACTIVE_VALUES = "netty (the default) or undertow";

	private final String marker;

	private final String artifact;

	ServerEngine(String marker, String artifact) {
		this.marker = marker;
		this.artifact = artifact;
	}

	public String canonicalName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The reactive engine named by {@code value} ({@code null}: Netty). A blank value is an error,
	 * not the default: the conditions that pick the engine's beans would see it as neither.
	 * @throws InvalidWorkerSettingException for an unknown name or an engine whose classes are
	 * missing from the class path
	 */
	public static ServerEngine reactive(@Nullable String value, @Nullable ClassLoader classLoader) {
		ServerEngine engine = NETTY;
		if (value != null) {
			String name = value.toLowerCase(Locale.ROOT);
			engine = switch (name) {
				case "netty" -> NETTY;
				case "undertow" -> UNDERTOW;
				case "tomcat", "jetty" -> throw new InvalidWorkerSettingException(PROPERTY, value, REACTIVE_VALUES
						+ " for the reactive worker class; " + name + " serves the servlet classes (sync, thread,"
						+ " virtual)");
				default -> throw new InvalidWorkerSettingException(PROPERTY, value, REACTIVE_VALUES);
			};
		}
		if (!ClassUtils.isPresent(engine.marker, classLoader)) {
			throw new InvalidWorkerSettingException(PROPERTY, value, REACTIVE_VALUES + " with its classes on the"
					+ " class path: add " + engine.artifact + " to use " + engine.canonicalName());
		}
		return engine;
	}

	/**
	 * Checks {@code value} for a servlet class: unset, or the kind of servlet container on the
	 * class path ({@code tomcat}, {@code jetty}), which is the one that serves.
	 * @throws InvalidWorkerSettingException otherwise
	 */
	public static void checkServlet(@Nullable String value, String workerClass,
			@Nullable ClassLoader classLoader) {
		if (value == null) {
			return;
		}
		String name = value.toLowerCase(Locale.ROOT);
		String marker = switch (name) {
			case "tomcat" -> "org.apache.catalina.startup.Tomcat";
			case "jetty" -> "org.eclipse.jetty.server.Server";
			default -> null;
		};
		if (marker == null || !ClassUtils.isPresent(marker, classLoader)) {
			throw new InvalidWorkerSettingException(PROPERTY, value, "no value, or the servlet container on the"
					+ " class path (tomcat or jetty), for the servlet worker class " + workerClass
					+ "; netty and undertow serve the reactive class only");
		}
	}

}
