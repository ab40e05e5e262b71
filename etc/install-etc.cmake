# Run by `cmake --install` (etc/CMakeLists.txt sets the REBOUND_* variables first). file(INSTALL)
# puts $DESTDIR in front of every absolute destination, so a staged install never writes /etc.

# `dir` as installed: absolute as given, else under the prefix being installed to (and /etc for
# the /usr prefix, as GNUInstallDirs has it).
function(rebound_installed_dir out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr" AND dir MATCHES "^etc(/|$)")
    set(${out} "/${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

rebound_installed_dir(sbindir "${REBOUND_SBINDIR}")
rebound_installed_dir(confdir "${REBOUND_SYSCONFDIR}/rebound")
rebound_installed_dir(unitdir "${REBOUND_SYSTEMD_UNITDIR}")
set(REBOUND_EXECUTABLE "${sbindir}/rebound")
set(REBOUND_CONFIG "${confdir}/rebound.conf")

# A config already there is the administrator's: kept, as unbound's `make install` keeps its
# unbound.conf.
if(EXISTS "$ENV{DESTDIR}${REBOUND_CONFIG}")
  message(STATUS "Keeping: $ENV{DESTDIR}${REBOUND_CONFIG}")
else()
  file(INSTALL DESTINATION "${confdir}" TYPE FILE FILES "${REBOUND_SOURCE_ETC}/rebound.conf")
endif()

configure_file("${REBOUND_SOURCE_ETC}/rebound.service.in" "${REBOUND_BINARY_ETC}/rebound.service"
  @ONLY)
file(INSTALL DESTINATION "${unitdir}" TYPE FILE FILES "${REBOUND_BINARY_ETC}/rebound.service")
