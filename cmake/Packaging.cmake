# Packaging: where everything goes when Tether is installed, and the Debian
# package CPack builds from that (scripts/package; decision 0017). Paths are
# Debian's: the binary in /usr/bin, the simulator that demo mode starts in
# /usr/libexec/tether, the unit in /lib/systemd/system (bookworm's lintian
# still wants it there), the settings in /etc/tether as a conffile.

set(TETHER_PACKAGE_VERSION "${TETHER_VERSION_STRING}" CACHE STRING
    "Version of the .deb (scripts/package --version; the upgrade test bumps it)")
set(TETHER_MAINTAINER "Tether maintainers <tether-maintainers@lists.tether.invalid>" CACHE STRING
    "Maintainer field of the .deb")
set(packaging "${CMAKE_SOURCE_DIR}/resources/packaging")

install(TARGETS tether-sim RUNTIME DESTINATION libexec/tether)
install(FILES "${CMAKE_SOURCE_DIR}/resources/io.tether.Tether.desktop" DESTINATION share/applications)
install(FILES "${CMAKE_SOURCE_DIR}/resources/io.tether.Tether.metainfo.xml" DESTINATION share/metainfo)
install(FILES "${CMAKE_SOURCE_DIR}/resources/tether.svg" DESTINATION share/icons/hicolor/scalable/apps)
foreach(size 48 128 256)
    # Rendered from tether.svg by scripts/render-icons and kept in git: Debian
    # 12 has no SVG renderer that this build could rely on.
    install(FILES "${CMAKE_SOURCE_DIR}/resources/icons/tether-${size}.png"
            DESTINATION share/icons/hicolor/${size}x${size}/apps RENAME tether.png)
endforeach()
install(FILES "${packaging}/tether.service" DESTINATION /lib/systemd/system)
install(FILES "${packaging}/tether.conf" DESTINATION /etc/tether)
install(FILES "${packaging}/copyright" DESTINATION share/doc/tether)

# The Debian changelog carries the package's version; lintian wants it
# compressed with gzip -9n (no name, no time stamp: reproducible).
execute_process(COMMAND date -u -R -d "${TETHER_RELEASE_DATE}" OUTPUT_VARIABLE changelogDate
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(TETHER_CHANGELOG_DATE "${changelogDate}")
configure_file("${packaging}/changelog.in" "${CMAKE_BINARY_DIR}/packaging/changelog" @ONLY)
add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
    COMMAND gzip -9n -f -k changelog
    DEPENDS "${CMAKE_BINARY_DIR}/packaging/changelog"
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}/packaging")
add_custom_target(tether-changelog ALL DEPENDS "${CMAKE_BINARY_DIR}/packaging/changelog.gz")
install(FILES "${CMAKE_BINARY_DIR}/packaging/changelog.gz" DESTINATION share/doc/tether)

# Maintainer scripts and the conffile list, with the modes dpkg wants.
file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/packaging/control")
# configure_file, not file(COPY): an edited script reconfigures the build.
foreach(script postinst prerm postrm)
    configure_file("${packaging}/${script}" "${CMAKE_BINARY_DIR}/packaging/control/${script}" COPYONLY
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
file(WRITE "${CMAKE_BINARY_DIR}/packaging/control/conffiles" "/etc/tether/tether.conf\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tether)
set(CPACK_PACKAGE_VERSION "${TETHER_PACKAGE_VERSION}")
set(CPACK_PACKAGE_VENDOR "The Tether authors")
set(CPACK_PACKAGE_CONTACT "${TETHER_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Salesforce to PostgreSQL mirror with a write-through proxy")
set(CPACK_PACKAGE_DESCRIPTION
"Tether keeps one PostgreSQL table per Salesforce object in sync and lets
any PostgreSQL client write back: an INSERT, UPDATE or DELETE sent through
Tether's proxy is applied to Salesforce first and committed in PostgreSQL
only when Salesforce accepted it.
.
The package holds the desktop application, a demo mode with a simulated
org, and a systemd service that runs the same engine headless on a server
against any PostgreSQL, with health checks and Prometheus metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TETHER_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared libraries from what is actually linked (dpkg-shlibdeps); the managed
# cluster needs PostgreSQL 15's server binaries (initdb, pg_ctl, postgres),
# the maintainer scripts adduser and deb-systemd-helper, the window a Qt
# platform plugin (not a linked library, so shlibdeps cannot see it).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "postgresql-15, adduser, init-system-helpers (>= 1.54~), qt6-qpa-plugins, libqt6svg6")
# The German words of Qt's own buttons and dialogs.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-client-15, qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_BINARY_DIR}/packaging/control/postinst;${CMAKE_BINARY_DIR}/packaging/control/prerm;${CMAKE_BINARY_DIR}/packaging/control/postrm;${CMAKE_BINARY_DIR}/packaging/control/conffiles")
include(CPack)
