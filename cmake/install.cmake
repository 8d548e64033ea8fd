# SPDX-License-Identifier: Apache-2.0
# install.cmake: what `cmake --install` puts where (included by the top
# CMakeLists.txt after the targets exist). The layout is documented in
# payroll(7), FILES, and in README.md.
#
#   bin/payroll, bin/payroll-<verb>      the dispatcher and the tools
#   share/man/man{1,5,7}/                the man pages
#   share/locale/<ll>/LC_MESSAGES/payroll.mo   when po/ exists
#   lib/libpayroll.a, include/payroll/*.h, lib/pkgconfig/payroll.pc
#   share/doc/payroll/                   README.md, LICENSE
#
# PAYROLL_INSTALL_VERBDIR puts the tools elsewhere (libexec/payroll, as
# git does); the dispatcher finds them beside itself, in
# ../libexec/payroll from itself, or in the directory compiled into it.
include(GNUInstallDirs)

set(PAYROLL_INSTALL_VERBDIR "${CMAKE_INSTALL_BINDIR}" CACHE STRING
  "where the payroll-<verb> tools are installed (bin, or libexec/payroll as git does)")
if(IS_ABSOLUTE "${PAYROLL_INSTALL_VERBDIR}")
  set(payroll_verbdir_full "${PAYROLL_INSTALL_VERBDIR}")
else()
  set(payroll_verbdir_full "${CMAKE_INSTALL_PREFIX}/${PAYROLL_INSTALL_VERBDIR}")
endif()
target_compile_definitions(payroll PRIVATE PAYROLL_VERBDIR="${payroll_verbdir_full}")

# The dispatcher and the tools.
install(TARGETS payroll RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(src ${PAYROLL_TOOLS})
  get_filename_component(verb ${src} NAME_WE)
  if(TARGET payroll-${verb})
    install(TARGETS payroll-${verb} RUNTIME DESTINATION ${PAYROLL_INSTALL_VERBDIR})
  endif()
endforeach()

# Man pages, each into its section.
foreach(section 1 5 7)
  install(DIRECTORY man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section}
    FILES_MATCHING PATTERN "*.${section}")
endforeach()

# The gettext catalogue: po/<ll>.po compiled with msgfmt at build time
# (msgfmt --check: a bad .po fails the build) into build/locale, where the
# tests find it through PAYROLL_LOCALEDIR; the tools look in the installed
# LOCALEDIR otherwise (cmd/common/common.c, tool_start).
target_compile_definitions(payroll_cmd PRIVATE PAYROLL_LOCALEDIR="${CMAKE_INSTALL_FULL_LOCALEDIR}")
if(EXISTS ${CMAKE_SOURCE_DIR}/po)
  find_program(MSGFMT msgfmt)
  if(NOT MSGFMT)
    message(FATAL_ERROR "msgfmt not found: install the Debian package gettext")
  endif()
  file(GLOB payroll_po CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/po/*.po)
  set(payroll_mo_all)
  foreach(po ${payroll_po})
    get_filename_component(lang ${po} NAME_WE)
    set(mo ${CMAKE_BINARY_DIR}/locale/${lang}/LC_MESSAGES/payroll.mo)
    add_custom_command(OUTPUT ${mo}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/locale/${lang}/LC_MESSAGES
      COMMAND ${MSGFMT} --check -o ${mo} ${po}
      DEPENDS ${po} VERBATIM)
    list(APPEND payroll_mo_all ${mo})
    install(FILES ${mo} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${lang}/LC_MESSAGES)
  endforeach()
  if(payroll_mo_all AND NOT TARGET payroll-mo)
    add_custom_target(payroll-mo ALL DEPENDS ${payroll_mo_all})
  endif()
  # cmake --build build --target payroll-pot: po/payroll.pot from the
  # sources (po/xgettext.py), and the new messages into every po/<ll>.po,
  # untranslated, for a translator (po/README.md).
  find_program(PYTHON3 python3)
  find_program(MSGMERGE msgmerge)
  find_program(MSGATTRIB msgattrib)
  if(PYTHON3 AND MSGMERGE AND MSGATTRIB AND NOT TARGET payroll-pot)
    set(payroll_merge)
    foreach(po ${payroll_po})
      list(APPEND payroll_merge COMMAND ${MSGMERGE} --quiet --update --backup=none
        --no-location --no-wrap --no-fuzzy-matching --sort-output ${po} ${CMAKE_SOURCE_DIR}/po/payroll.pot
        COMMAND ${MSGATTRIB} --no-obsolete --no-wrap -o ${po} ${po})
    endforeach()
    add_custom_target(payroll-pot
      COMMAND ${PYTHON3} ${CMAKE_SOURCE_DIR}/po/xgettext.py ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/po/payroll.pot
      ${payroll_merge}
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} VERBATIM)
  endif()
endif()

# The library: static only (see README.md, "The library"), its public
# headers under include/payroll/ and a pkg-config file.
install(TARGETS payrolllib ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
file(GLOB payroll_headers CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/libpayroll/*.h)
list(FILTER payroll_headers EXCLUDE REGEX "/banned\\.h$")
install(FILES ${payroll_headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/payroll)
# Relocatable: the prefix is found from where payroll.pc lies, so an
# install with --prefix or DESTDIR works with PKG_CONFIG_PATH alone.
file(RELATIVE_PATH payroll_pc_up "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" payroll_pc_up "${payroll_pc_up}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/payroll.pc.in ${CMAKE_BINARY_DIR}/payroll.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/payroll.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
