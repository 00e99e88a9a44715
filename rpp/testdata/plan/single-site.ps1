# Lync Server Management Shell script written by rpp plan.
# golden test
# Safe to run twice: each New-Cs... and Remove-Cs... runs only when its Get-Cs... check says it is still to do.
$ErrorActionPreference = 'Stop'

# Step 1: Create the multiple-computer trusted application pool rpp.fabrikam.com, registered with lyncpool.fabrikam.com
if (-not (Get-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:rpp.fabrikam.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationPool -Identity 'rpp.fabrikam.com' -Registrar 'lyncpool.fabrikam.com' -Site 1 -ComputerFqdn 'dma.fabrikam.com' -RequiresReplication $false -ThrottleAsServer $true -TreatAsAuthenticated $true
}

# Step 2: Add computer rmx1.fabrikam.com to trusted application pool rpp.fabrikam.com
if (-not (Get-CsTrustedApplicationComputer -Identity 'rmx1.fabrikam.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationComputer -Identity 'rmx1.fabrikam.com' -Pool 'rpp.fabrikam.com'
}

# Step 3: Add computer rmx2.fabrikam.com to trusted application pool rpp.fabrikam.com
if (-not (Get-CsTrustedApplicationComputer -Identity 'rmx2.fabrikam.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationComputer -Identity 'rmx2.fabrikam.com' -Pool 'rpp.fabrikam.com'
}

# Step 4: Create trusted application video in pool rpp.fabrikam.com on port 5061 (Lync assigns the pool its Service GRUU)
if (-not (Get-CsTrustedApplication -Identity 'rpp.fabrikam.com/urn:application:video' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.fabrikam.com' -Port 5061
}

# Step 5: Create trusted application endpoint sip:rpp@fabrikam.com in pool rpp.fabrikam.com (application video): the RMX's ICE identity
if (-not (Get-CsTrustedApplicationEndpoint -Identity 'sip:rpp@fabrikam.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'rpp.fabrikam.com' -SipAddress 'sip:rpp@fabrikam.com'
}

# Step 6: Enable the Active Directory account rmxice for Lync as sip:rmxice@fabrikam.com: the legacy ICE identity of RMX rmx2 (create the account first; its password does not matter)
if (-not (Get-CsUser -Identity 'sip:rmxice@fabrikam.com' -ErrorAction SilentlyContinue)) {
    Enable-CsUser -Identity 'rmxice' -RegistrarPool 'lyncpool.fabrikam.com' -SipAddress 'sip:rmxice@fabrikam.com'
}

# Step 7: Add a static route: requests for vmr.fabrikam.com to dma.fabrikam.com:5061 over TLS (the traditional workflow)
if (-not (@((Get-CsStaticRoutingConfiguration -Identity 'global').Route | Where-Object { $_.MatchUri -eq 'vmr.fabrikam.com' -and $_.Transport.Fqdn -eq 'dma.fabrikam.com' -and $_.Transport.Port -eq 5061 }).Count -gt 0)) {
    Set-CsStaticRoutingConfiguration -Identity 'global' -Route (@{Add=(New-CsStaticRoute -TLSRoute -UseDefaultCertificate $true -Destination 'dma.fabrikam.com' -Port 5061 -MatchUri 'vmr.fabrikam.com')})
}

# Step 8: Publish the topology changes above
Enable-CsTopology

# Step 9: Read back the Service GRUU Lync assigned to pool rpp.fabrikam.com: the RMX flag takes it without sip:, the DMA with sip:
$gruu9 = (Get-CsTrustedApplication -Identity 'rpp.fabrikam.com/urn:application:video').ServiceGruu
if (-not $gruu9) { throw 'No Service GRUU for rpp.fabrikam.com/video: publish the topology (Enable-CsTopology) and run this script again.' }
$bare9 = $gruu9 -replace '^(?i)sip:', ''
Write-Output "RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:): $bare9"
Write-Output "DMA Lync Integration, CsTrustedApplication ServiceGruu (with sip:): sip:$bare9"

# Steps 10-25 are on the RMXs and DMAs (rpp plan --format text lists their settings):
#   10. [rmx/rmx1] Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)
#   11. [rmx/rmx1] Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for
#   12. [rmx/rmx1] Set ICE to the new method (the trusted application endpoint sip:rpp@fabrikam.com); save, and defer the reboot the RMX asks for
#   13. [rmx/rmx1] Add the system flag (New Flag) SIP_CONTACT_OVERRIDE_STR: the pool's Service GRUU without sip:
#   14. [rmx/rmx1] Reboot the RMX once, so the settings above take effect together
#   15. [rmx/rmx1] Set conference profile default's encryption to whenAvailable
#   16. [rmx/rmx2] Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)
#   17. [rmx/rmx2] Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for
#   18. [rmx/rmx2] Set ICE to the legacy method (the Lync user sip:rmxice@fabrikam.com); save, and defer the reboot the RMX asks for
#   19. [rmx/rmx2] Reboot the RMX once, so the settings above take effect together
#   20. [rmx/rmx2] Set conference profile default's encryption to always
#   21. [dma/dma] Install the DMA's certificate: a SAN certificate naming its FQDN (never a wildcard)
#   22. [dma/dma] Add the external SIP peer lyncpool for Lync Front End pool lyncpool.fabrikam.com; on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:
#   23. [dma/dma] Add the meeting rooms 3000, 3001, 3002
#   24. [rmx/rmx1] Check the RMX's Active Alarms list shows no ICE alarm (such as "Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received") and its ICE status shows the Edge server
#   25. [rmx/rmx2] Check the RMX's Active Alarms list shows no ICE alarm (such as "Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received") and its ICE status shows the Edge server
Write-Output 'Now carry out steps 10-25 on the RMXs and DMAs.'
